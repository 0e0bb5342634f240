/** Which route groups the BFF serves; the sign-in routes (`/auth/sweatstack/...`), `/health` and `/ready` always are. */
export interface RouteGroups {
  /** `/api/v1/...`: SweatStack's API, proxied for the signed-in user. */
  api?: boolean
  /** `GET /api/v1/events`: live SweatStack events as server-sent events. */
  events?: boolean
  /** `POST /webhooks/sweatstack`: SweatStack's signed webhooks (fed to the event streams). */
  webhooks?: boolean
  /** `/docs` (Swagger UI) and `/openapi.json`. */
  docs?: boolean
}

export const ROUTE_GROUPS = ['api', 'events', 'webhooks', 'docs'] as const

/** Whether a route file (its path under routes/, e.g. `/api/v1/events.ts`) belongs to a group that is on. */
export function routeFileWanted (groups: Required<RouteGroups>, file: string): boolean {
  const route = file.replace(/\.(?:ts|js)$/, '')
  if (route === '/webhooks') return groups.webhooks
  if (route === '/api/v1/events') return groups.events
  if (route.startsWith('/api/')) return groups.api
  return true
}
