import { parse } from 'yaml';

/**
 * The two places the workflows list the environments by hand (README, "add an environment", step 3): the Deploy
 * workflow's choices and the pull-request diff matrix. Each must list every environment, in config order.
 */
export function environmentListProblems(sources: Readonly<Record<string, string>>, names: readonly string[]): string[] {
  const lists: [string, unknown][] = [
    ['deploy.yml: workflow_dispatch choices', parseOrEmpty(sources['deploy.yml']).on?.workflow_dispatch?.inputs?.environment?.options],
    ['pull-request.yml: diff matrix', parseOrEmpty(sources['pull-request.yml']).jobs?.diff?.strategy?.matrix?.environment],
  ];
  return lists.flatMap(([where, listed]) =>
    JSON.stringify(listed) === JSON.stringify(names)
      ? []
      : [`${where} are ${JSON.stringify(listed)} (expected ${JSON.stringify(names)}, the environments in lib/config/environments/)`],
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function parseOrEmpty(source: string | undefined): any {
  return source === undefined ? {} : (parse(source) ?? {});
}
