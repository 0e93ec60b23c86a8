import type { EnvironmentConfig } from '../../lib/config/schema';

/** Two browser apps sharing one origin, as tests configure them (no environment of the repository has one). */
export const DASHBOARD = {
  origins: ['https://dash.example.com'],
  redirectUrls: ['https://dash.example.com/callback'],
  logoutUrls: ['https://dash.example.com/'],
};
export const REPORTS = {
  origins: ['https://reports.example.com', 'https://dash.example.com'],
  redirectUrls: ['https://reports.example.com/cb'],
  logoutUrls: [],
};
/** Every origin of the two apps once, in first-seen order. */
export const BROWSER_ORIGINS = ['https://dash.example.com', 'https://reports.example.com'];

/** The config with the two browser apps beside its own consumers, in its first team. */
export function withBrowserApps(base: EnvironmentConfig): EnvironmentConfig {
  const team = base.tenants.teams[0]!.name;
  return {
    ...base,
    tenants: {
      ...base.tenants,
      consumers: [
        ...base.tenants.consumers,
        { name: 'dashboard', team, browser: DASHBOARD, tags: {} },
        { name: 'reports', team, browser: REPORTS, tags: {} },
      ],
    },
  };
}
