// The app's shared state and plumbing: the typed BFF client, the session, messages and toasts.
import { BffError, createBffClient, signInUrl as bffSignInUrl } from '../../../clients/bff-client/index.ts'
import type { AuthErrorCode, SessionUser, UserSummary } from '../../../clients/bff-client/index.ts'
import { byId, h } from './dom.ts'
import { namedParams } from './filters.ts'
import type { DroppedParam } from './filters.ts'

declare global {
  interface Window {
    /** Set by /config.js, which the frontend's server writes. */
    BFF_URL?: string
    /** The origins the BFF accepts (its FRONTEND_ORIGINS), when the frontend's server knows them. */
    FRONTEND_ORIGINS?: string[]
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

export function showMessage (kind: MessageKind, title: string, text: string | Node = '', action?: { label: string, run: () => void }, testid = `message-${kind}`): void {
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
    showUnreachable(retry)
  } else if (error.status >= 500 || (error.code !== undefined && error.code in upstreamTitles)) {
    const title = upstreamTitles[error.code ?? ''] ?? 'The server ran into a problem'
    showMessage('error', `${title}.`, `Your data is safe; please try again in a moment.${reference}`, retry && { label: 'Try again', run: retry }, 'message-upstream')
  } else {
    showMessage('error', error.problem.title ?? `Request failed (${error.status})`, `${error.problem.detail ?? ''}${reference}`, retry && { label: 'Try again', run: retry })
  }
}

/* ---- No answer at all: a BFF that is down, or one that refuses this page's origin. ---- */

/**
 * Whether the BFF answers. A `no-cors` request needs no permission from CORS, so it succeeds whenever
 * the BFF is up (its /health lets any origin probe it: Cross-Origin-Resource-Policy: cross-origin).
 */
function bffAnswers (): Promise<boolean> {
  return fetch(`${bffUrl}/health`, { mode: 'no-cors', cache: 'no-store' }).then(() => true, () => false)
}

/** The same screen at an origin the BFF accepts, when the frontend's server told which. */
function allowedAddress (): string | null {
  const origin = window.FRONTEND_ORIGINS?.find(allowed => allowed !== location.origin)
  return origin === undefined ? null : `${origin}${location.pathname}${location.hash}`
}

/**
 * After a request that got no answer. The browser reports a CORS refusal exactly like a dead server,
 * so ask the BFF whether it is up before saying which it is.
 */
export async function showUnreachable (retry?: () => void): Promise<void> {
  const action = retry && { label: 'Try again', run: retry }
  if (!await bffAnswers()) {
    showMessage('error', 'The app\'s server cannot be reached.', `Is the BFF running at ${bffUrl}? If it is, check your connection.`, action, 'message-bff-unreachable')
    return
  }
  const origin = location.origin
  const address = allowedAddress()
  const fix = h('span', {}, `The BFF at ${bffUrl} is running but does not accept requests from ${origin}. Add ${origin} to FRONTEND_ORIGINS on the BFF and restart it`,
    address === null ? '.' : h('span', {}, ', or open the app at ', h('a', { href: address, 'data-testid': 'allowed-address' }, address), '.'))
  showMessage('error', 'The app\'s server refuses this page\'s address.', fix, action, 'message-origin-refused')
}

/* ---- Filters in the address: what was left out, and what the BFF refused. ---- */

function quote (value: string): string {
  return `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`
}

/** Puts `hash` in the address without a new history entry or a hashchange, and says what was left out. */
export function reportDroppedParams (dropped: DroppedParam[], hash: string): void {
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
  const list = dropped.map(param => `${param.name} ${quote(param.value)}: ${param.reason}`).join('; ')
  const title = dropped.length === 1 ? 'A filter in the address was not valid, so it is not applied.' : 'Some filters in the address were not valid, so they are not applied.'
  showMessage('warning', title, `Left out ${list}.`, undefined, 'message-filter-dropped')
}

/**
 * A 400/422 that names filter parameters: offers the data without them, since "Try again" would only
 * fail the same way. `fields` maps the request's fields to the hash parameters; false when none is named.
 */
export function failOnFilters<P extends string> (error: unknown, fields: Partial<Record<string, P>>, hashWithout: (params: P[]) => string): boolean {
  if (!(error instanceof BffError) || (error.status !== 400 && error.status !== 422)) return false
  const params = namedParams(error.problem.errors, fields)
  if (params.length === 0) return false
  const title = `The ${params.join(' and ')} filter was not accepted.`
  showMessage('error', title, error.problem.detail ?? '', { label: params.length === 1 ? 'Clear the filter' : 'Clear the filters', run: () => { location.hash = hashWithout(params) } }, 'message-bad-filter')
  return true
}
