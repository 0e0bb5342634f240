import type { SessionIdentity } from './types.ts'

export type { SessionIdentity, TokenOwner } from './types.ts'

/** A sign-in started in this browser and not finished yet; several tabs may each have one. */
export interface PendingLogin {
  state: string
  verifier: string
  next: string
  /** Epoch seconds. */
  createdAt: number
  /** The `prompt` sent to SweatStack, if any: with `none`, a `login_required` answer is tried once more without it. */
  prompt?: string
}

declare module '@fastify/secure-session' {
  interface SessionData {
    /** This session's id (random, made at sign-in): what sign-out records as ended. */
    sid: string
    principal: SessionIdentity
    /** Coach mode: the athlete the principal acts for, with their delegated tokens. */
    selected?: SessionIdentity
    /** Epoch ms of sign-in; the session ends `SESSION_MAX_AGE` later whatever happens. */
    createdAt: number
    /** Epoch ms of the last use, kept coarse so that not every request rewrites the cookie. */
    lastSeenAt: number
  }
}

/** The second cookie, `sweatstack_login`: the pending sign-ins of this browser. */
export interface LoginSessionData {
  pending: PendingLogin[]
}
