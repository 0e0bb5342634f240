// The app's shared state and plumbing: the typed BFF client, the session, messages and toasts.
import { BffError, createBffClient, signInUrl as bffSignInUrl } from '../../../clients/bff-client/index.ts'
import type { AuthErrorCode, SessionUser, UserSummary } from '../../../clients/bff-client/index.ts'
import { byId, h } from './dom.ts'

declare global {
  interface Window {
    /** Set by /config.js, which the frontend's server writes. */
    BFF_URL?: string
  }
}

export const bffUrl = (window.BFF_URL ?? 'http://localhost:8000').replace(/\/+$/, '')
/** The one client every screen uses: cookie and X-CSRF on every call, typed from openapi/bff.json. */
export const bff = createBffClient(bffUrl)

export const state: {
  user: SessionUser | null
  /** The athletes this user may act for (coach mode), from GET /api/v1/users/. */
  athletes: UserSummary[]
  /** Live events (GET /api/v1/events) are connected. */
  live: boolean
} = { user: null, athletes: [], live: false }

/** The name of whose data is on screen: the selected athlete in coach mode, else the user. */
export function viewingName (): string {
  return state.user?.selectedName ?? state.user?.selectedUserId ?? state.user?.name ?? 'you'
}

export function signInUrl (): string {
  // Come back to the same screen, without a stale ?auth_error.
  return bffSignInUrl(bffUrl, location.origin + location.pathname + location.hash)
}

export const authErrorMessages: Record<AuthErrorCode, string> = {
  access_denied: 'You declined to share your SweatStack data, so you are not signed in.',
  invalid_state: 'That sign-in expired or was started in another browser. Please try again.',
  missing_code: 'The sign-in came back incomplete. Please try again.',
  token_exchange_failed: 'SweatStack did not accept the sign-in. Please try again.',
  sweatstack_unavailable: 'SweatStack could not be reached to finish the sign-in. Please try again shortly.',
  session_too_large: 'The sign-in worked but your session is too large for a browser cookie. Please contact the app\'s developers.',
}

/* ---- Views: only the newest navigation may write to the screen. ---- */

let generation = 0

/** Starts a new screen; returns a check that is false once the user has moved on. */
export function beginView (...content: Node[]): () => boolean {
  const mine = ++generation
  byId('view').replaceChildren(...content)
  return () => mine === generation
}

/* ---- Messages (top of the page) and toasts (bottom right). ---- */

export type MessageKind = 'error' | 'warning' | 'info' | 'success'

export function showMessage (kind: MessageKind, title: string, text = '', action?: { label: string, run: () => void }, testid = `message-${kind}`): void {
  const close = h('button', { class: 'icon-button', 'aria-label': 'Dismiss', onclick: () => message.remove() }, '×')
  const message = h('div', { class: `message ${kind}`, role: kind === 'error' || kind === 'warning' ? 'alert' : 'status', 'data-testid': testid },
    h('div', { class: 'message-body' }, h('strong', {}, title), text === '' ? null : h('span', {}, ' ', text)),
    action === undefined ? null : h('button', { class: 'secondary small', onclick: () => { message.remove(); action.run() } }, action.label),
    close)
  byId('messages').replaceChildren(message)
}

export function clearMessages (): void {
  byId('messages').replaceChildren()
}

export function toast (title: string, text: string, link?: { label: string, href: string }, kind: 'info' | 'success' | 'error' = 'info'): void {
  const item = h('div', { class: `toast ${kind}`, role: 'status', 'data-testid': 'toast' },
    h('div', {}, h('strong', {}, title), h('p', {}, text)),
    link === undefined ? null : h('a', { href: link.href, class: 'toast-link', onclick: () => item.remove() }, link.label),
    h('button', { class: 'icon-button', 'aria-label': 'Dismiss notification', onclick: () => item.remove() }, '×'))
  byId('toasts').append(item)
  setTimeout(() => item.classList.add('leaving'), 9000)
  setTimeout(() => item.remove(), 9400)
}

/* ---- Errors: one place that turns a problem+json into what the user should see and do. ---- */

let onSignedOut: (message?: string) => void = () => {}
let onSelectionEnded: () => Promise<void> = async () => {}

export function setSessionHandlers (handlers: { signedOut: (message?: string) => void, selectionEnded: () => Promise<void> }): void {
  onSignedOut = handlers.signedOut
  onSelectionEnded = handlers.selectionEnded
}

const upstreamTitles: Record<string, string> = {
  upstream_error: 'SweatStack ran into a problem',
  upstream_timeout: 'SweatStack took too long to answer',
  upstream_unavailable: 'SweatStack cannot be reached right now',
  upstream_malformed: 'SweatStack sent an answer we could not read',
}

/** Shows an error the way it deserves: sign-in again, back to own data, or a message with Retry. */
export function fail (error: unknown, retry?: () => void): void {
  if (error instanceof DOMException && error.name === 'AbortError') return
  if (!(error instanceof BffError)) {
    console.error(error)
    showMessage('error', 'Something went wrong in this page.', String(error), retry && { label: 'Try again', run: retry })
    return
  }
  if (error.status === 401) {
    onSignedOut(error.code === 'session_expired' ? 'Your session has ended. Please sign in again.' : undefined)
    return
  }
  if (error.code === 'selection_ended') {
    onSelectionEnded().then(() => showMessage('warning', 'Coach mode ended.', `${error.problem.detail ?? 'The athlete no longer shares their data with you.'} You are back on your own data.`, undefined, 'message-selection-ended'))
    return
  }
  const reference = error.problem.requestId === undefined ? '' : ` (request ${error.problem.requestId})`
  if (error.status === 0) {
    showMessage('error', 'The app\'s server cannot be reached.', `Check your connection; the BFF is at ${bffUrl}.`, retry && { label: 'Try again', run: retry }, 'message-upstream')
  } else if (error.status >= 500 || (error.code !== undefined && error.code in upstreamTitles)) {
    const title = upstreamTitles[error.code ?? ''] ?? 'The server ran into a problem'
    showMessage('error', `${title}.`, `Your data is safe; please try again in a moment.${reference}`, retry && { label: 'Try again', run: retry }, 'message-upstream')
  } else {
    showMessage('error', error.problem.title ?? `Request failed (${error.status})`, `${error.problem.detail ?? ''}${reference}`, retry && { label: 'Try again', run: retry })
  }
}
