// The session door's contract, `request.sweatstack`, and the types it speaks in. This file imports
// nothing of the plugin's internals, so the package's type declarations (src/plugin.ts) add exactly
// this to a host app's FastifyRequest and nothing else.
declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The SweatStack session of this request (sweatstack-bff). On the plugin's own routes: who is signed
     * in, their tokens, coach mode, sign-in and sign-out. On a host app's own routes: `identity()`,
     * `info()`, `accessToken()`, `grantedScopes()` and `signOut()`, reading the session cookie when first
     * called (no hook of the plugin runs there).
     */
    readonly sweatstack: SweatStackSession
  }
}

/** A SweatStack identity with its tokens, as kept inside the encrypted session cookie. */
export interface SessionIdentity {
  userId: string
  name: string | null
  accessToken: string
  refreshToken: string | null
  /** Access-token expiry, epoch seconds. */
  expiresAt: number
  scopes: string[]
}

/** Whose token a call uses: the selected athlete's in coach mode (`active`), or the signed-in user's own. */
export type TokenOwner = 'active' | 'principal'

/** What GET /auth/sweatstack/user says about the session (never a token). */
export interface SessionInfo {
  userId: string
  name: string | null
  selectedUserId: string | null
  selectedName: string | null
  scopes: string[]
  expiresAt: string
}

/** Who an event stream is for, and which session it belongs to (so it closes when the session ends). */
export interface StreamScope {
  sessionId: string
  userId: string
  createdAt: number
  /** The signed-in user, and in coach mode the selected athlete. */
  userIds: string[]
}

/** What SweatStack sends the browser back to the callback with. */
export interface CallbackQuery {
  code?: string
  state?: string
  error?: string
}

/**
 * The session behind one door (./door.ts): the only code that reads or writes session keys. Methods that
 * reject do so with a ProblemError (`status` 401 `not_authenticated` or `session_expired` when nobody is
 * signed in, 502/503/504 when SweatStack fails).
 */
export interface SweatStackSession {
  /** The signed-in identity, with its tokens; rejects with a 401 problem when there is none or the session has ended. */
  identity (): Promise<SessionIdentity>
  /**
   * An access token for SweatStack, refreshed first when it is about to expire: the selected athlete's
   * in coach mode (`as: 'active'`, the default), or the signed-in user's own (`as: 'principal'`).
   */
  accessToken (options?: { as?: TokenOwner, forceRefresh?: boolean }): Promise<string>
  /** The scopes SweatStack granted the identity whose token `as` uses (empty when not signed in). */
  grantedScopes (as: TokenOwner): string[]
  /** Who is signed in, without tokens: what GET /auth/sweatstack/user answers. */
  info (): Promise<SessionInfo>
  /**
   * Ends this session server-side (a copy of the cookie is refused from then on, on every replica);
   * `everywhere` ends every session of the signed-in user. Returns who signed out.
   */
  signOut (options?: { everywhere?: boolean }): Promise<string | undefined>
  /** SweatStack refused the tokens of `as` even freshly refreshed: ends the session (or coach mode) and rejects. */
  refused (as: TokenOwner, reason: string): Promise<never>
  /** Coach mode: act as `userId` with SweatStack's delegated token (plugin routes only). */
  selectAthlete (userId: string, teamId?: string): Promise<SessionInfo>
  /** Coach mode: back to your own data (plugin routes only). */
  selectSelf (): Promise<SessionInfo>
  /** For an event stream: whose events, and the session it must close with. */
  streamScope (): Promise<StreamScope>
  /** Starts a sign-in that returns to `next`; answers SweatStack's authorize URL (plugin routes only). */
  startSignIn (next: string): string
  /** Finishes the sign-in SweatStack sent the browser back from; answers where to send the browser (plugin routes only). */
  finishSignIn (query: CallbackQuery, fallback: string): Promise<string>
  /** Starts a fresh session for a completed sign-in (plugin routes only). */
  begin (principal: SessionIdentity): void
  /** The user's display name, when the `profile` scope allows. */
  displayName (identity: SessionIdentity): Promise<string | null>
  /** Throws a 500 problem when the session as it stands would be too large a cookie for browsers. */
  ensureFits (): void
}
