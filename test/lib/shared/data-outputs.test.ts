import { DATA_OUTPUTS, dataStackName } from '../../../lib/shared/data-outputs';
import { synthEnvironment } from '../../support/app';

describe('data outputs', () => {
  test('name the data stack as the stage does', () => {
    expect(synthEnvironment('dev').stage.data.stackName).toBe(dataStackName('dev'));
  });

  test('are unique output keys', () => {
    const keys = Object.values(DATA_OUTPUTS);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
