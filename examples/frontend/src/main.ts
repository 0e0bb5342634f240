// The example frontend: signs in through the BFF and shows SweatStack data from another origin.
import { AUTH_ERROR_CODES, BffError, subscribeToEvents, toBffError, unwrap } from '../../../clients/bff-client/index.ts'
import type { AuthErrorCode, LiveEvent, SessionUser } from '../../../clients/bff-client/index.ts'
import { authErrorMessages, bff, bffUrl, clearMessages, fail, setSessionHandlers, showMessage, showUnreachable, state, toast, viewingName } from './app.ts'
import { byId, h } from './dom.ts'
import { activitiesView } from './views/activities.ts'
import { activityView } from './views/activity.ts'
import { dailiesView } from './views/dailies.ts'
import { signInView } from './views/sign-in.ts'
import { uploadView } from './views/upload.ts'
import './style.css'

/* ---- Routing: #/ (activities), #/activities/ID, #/dailies, #/upload. ---- */

function route (): void {
  if (state.user === null) return signInView()
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?')
  const params = new URLSearchParams(query)
  const activity = /^\/activities\/([^/]+)$/.exec(path)
  const section = activity !== null ? 'activities' : path === '/dailies' ? 'dailies' : path === '/upload' ? 'upload' : 'activities'
  for (const link of byId('nav').querySelectorAll<HTMLAnchorElement>('a')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  if (activity !== null) activityView(decodeURIComponent(activity[1] ?? ''))
  else if (path === '/dailies') dailiesView(params)
  else if (path === '/upload') uploadView()
  else activitiesView(params)
}

window.addEventListener('hashchange', () => {
  // Messages belong to the screen they were shown on; toasts and session messages stay.
  if (byId('messages').querySelector('[data-sticky]') === null) clearMessages()
  route()
})

/* ---- The session: signed in, coach mode, signed out. ---- */

function renderAccount (): void {
  const user = state.user
  const account = byId('account')
  const nav = byId('nav')
  const banner = byId('coach-banner')
  if (user === null) {
    account.replaceChildren()
    nav.hidden = true
    banner.hidden = true
    return
  }
  nav.hidden = false
  const picker = state.athletes.length === 0
    ? null
    : h('div', { class: 'picker' },
      h('label', { for: 'athlete-picker' }, 'Viewing'),
      h('select', { id: 'athlete-picker', 'data-testid': 'athlete-picker', onchange: (event: Event) => { select((event.target as HTMLSelectElement).value) } },
        h('option', { value: '', selected: user.selectedUserId === null }, 'My own data'),
        ...state.athletes.map(athlete => h('option', { value: athlete.id, selected: athlete.id === user.selectedUserId }, athlete.display_name))))
  account.replaceChildren(
    picker ?? '',
    h('span', { class: 'user' }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, (user.name ?? '?').slice(0, 1)), h('span', { 'data-testid': 'user-name' }, user.name ?? user.userId)),
    h('button', { class: 'secondary small', 'data-testid': 'sign-out', onclick: () => { signOut() } }, 'Sign out'))
  if (user.selectedUserId === null) {
    banner.hidden = true
    banner.replaceChildren()
  } else {
    banner.hidden = false
    banner.replaceChildren(
      h('span', {}, 'Coach mode: you are viewing ', h('strong', { 'data-testid': 'selected-athlete' }, viewingName()), '\'s data.'),
      h('button', { class: 'secondary small', onclick: () => { select('') } }, 'Back to my own data'))
  }
}

async function select (athleteId: string): Promise<void> {
  try {
    state.user = athleteId === ''
      ? await unwrap(bff.POST('/auth/sweatstack/select-self'))
      : await unwrap(bff.POST('/auth/sweatstack/select-user/{userId}', { params: { path: { userId: athleteId } } }))
  } catch (error) {
    renderAccount()
    fail(error)
    return
  }
  renderAccount()
  connectEvents()
  clearMessages()
  if (location.hash === '' || location.hash === '#/') route()
  else location.hash = '#/'
}

async function signedIn (user: SessionUser): Promise<void> {
  state.user = user
  state.athletes = []
  try {
    // The athletes a coach may pick: users who share data with you, other than yourself.
    const users = await unwrap(bff.GET('/api/v1/users/'))
    state.athletes = users.filter(other => other.id !== user.userId && other.scopes.length > 0)
  } catch (error) {
    if (error instanceof BffError && error.status === 401) return fail(error)
    // No athlete list (e.g. SweatStack failing): the app still works on the user's own data.
  }
  byId('nav').hidden = false
  renderAccount()
  connectEvents()
  route()
}

function signedOut (message?: string): void {
  state.user = null
  state.athletes = []
  disconnectEvents()
  renderAccount()
  signInView()
  if (message !== undefined) showMessage('warning', message, '', undefined, 'message-session')
}

async function signOut (): Promise<void> {
  try {
    await unwrap(bff.POST('/auth/sweatstack/logout'))
  } catch (error) {
    // Already signed out is signed out; anything else is worth saying.
    if (!(error instanceof BffError && error.status === 401)) return fail(error)
  }
  signedOut()
  showMessage('info', 'You are signed out.', 'See you next time.', undefined, 'message-signed-out')
}

setSessionHandlers({
  signedOut,
  async selectionEnded () {
    const user = await unwrap(bff.GET('/auth/sweatstack/user')).catch(() => null)
    if (user === null) return signedOut('Your session has ended. Please sign in again.')
    state.user = user
    renderAccount()
    connectEvents()
    route()
  },
})

/* ---- Live events: a toast when a webhook event arrives for whoever is on screen. ---- */

let closeEvents: (() => void) | null = null
let retryTimer: ReturnType<typeof setTimeout> | undefined
let retryDelay = 5000

const eventTitles: Record<string, [title: string, text: (name: string) => string]> = {
  activity_created: ['New activity', name => `A new activity was added to ${name} training.`],
  activity_updated: ['Activity updated', name => `An activity in ${name} training changed.`],
  activity_deleted: ['Activity deleted', name => `An activity was removed from ${name} training.`],
  source_failed: ['Upload failed', () => 'SweatStack could not read an uploaded file.'],
  test_created: ['New test', name => `A test was added to ${name} data.`],
  daily_created: ['New daily value', name => `A daily measure was added to ${name} data.`],
}

function possessive (): string {
  return state.user?.selectedUserId == null ? 'your' : `${viewingName()}'s`
}

function onLiveEvent (event: LiveEvent): void {
  window.dispatchEvent(new CustomEvent<LiveEvent>('bff:event', { detail: event }))
  const known = eventTitles[event.event_type]
  if (known === undefined) return
  const [title, text] = known
  const link = event.resource_id !== null && (event.event_type === 'activity_created' || event.event_type === 'activity_updated')
    ? { label: 'View', href: `#/activities/${encodeURIComponent(event.resource_id)}` }
    : undefined
  toast(title, text(possessive()), link, event.event_type === 'source_failed' ? 'error' : 'success')
  // The list on screen is now out of date: show the new activity at once.
  if (event.event_type.startsWith('activity_') && (location.hash === '' || location.hash.startsWith('#/?') || location.hash === '#/')) route()
}

function disconnectEvents (): void {
  state.live = false
  clearTimeout(retryTimer)
  closeEvents?.()
  closeEvents = null
}

function connectEvents (): void {
  disconnectEvents()
  if (state.user === null) return
  closeEvents = subscribeToEvents(bffUrl, {
    onEvent: onLiveEvent,
    onOpen: () => {
      state.live = true
      retryDelay = 5000
    },
    // The browser reconnects by itself after a dropped stream; after a refusal (signed out, or a
    // BFF without the route) try again later, less and less often.
    onClosed: () => {
      state.live = false
      closeEvents = null
      retryTimer = setTimeout(connectEvents, retryDelay)
      retryDelay = Math.min(retryDelay * 2, 120_000)
    },
  })
}

/* ---- Start. ---- */

async function start (): Promise<void> {
  byId('bff-url').textContent = bffUrl
  const params = new URLSearchParams(location.search)
  const authError = params.get('auth_error')
  if (authError !== null) {
    history.replaceState(null, '', location.pathname + location.hash)
    const text = (AUTH_ERROR_CODES as readonly string[]).includes(authError) ? authErrorMessages[authError as AuthErrorCode] : `The sign-in failed (${authError}). Please try again.`
    showMessage(authError === 'access_denied' ? 'warning' : 'error', 'Not signed in.', text, undefined, 'message-auth-error')
  }
  const answer = await bff.GET('/auth/sweatstack/user').catch(() => null)
  if (answer === null) {
    // No answer: the BFF is down, or refuses this page's origin.
    signInView()
    await showUnreachable(() => location.reload())
    return
  }
  const { data, error, response } = answer
  if (response.status === 401) {
    signedOut(error?.code === 'session_expired' ? 'Your session has ended. Please sign in again.' : undefined)
    return
  }
  if (data === undefined) {
    signInView()
    fail(toBffError(error, response), () => location.reload())
    return
  }
  await signedIn(data)
}

start().catch(error => {
  signInView()
  fail(error, () => location.reload())
})
