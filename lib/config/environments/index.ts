import type { EnvironmentInput } from '../schema';
import { dev } from './dev';
import { prod } from './prod';

/** Every environment this app can deploy, by name. Add an overlay file and list it here. */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentInput>> = { dev, prod };

export const DEFAULT_ENVIRONMENT = 'dev';
