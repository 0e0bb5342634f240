// A frontend on its own origin using the BFF the way any real frontend would.
const bff = window.BFF_URL
document.getElementById('bff-url').textContent = bff

/** Every call: the session cookie goes along, and X-CSRF proves the call is not a forged form or link. */
async function api (path, options = {}) {
  return fetch(bff + path, { ...options, credentials: 'include', headers: { 'X-CSRF': '1', ...options.headers } })
}

const authErrors = {
  access_denied: 'You declined to share your SweatStack data.',
  invalid_state: 'That sign-in expired or was started elsewhere. Please try again.',
  token_exchange_failed: 'SweatStack did not accept the sign-in. Please try again.',
  sweatstack_unavailable: 'SweatStack could not be reached. Please try again shortly.',
  missing_code: 'The sign-in came back incomplete. Please try again.',
}

function show (id, visible) { document.getElementById(id).hidden = !visible }

function say (text) {
  const message = document.getElementById('message')
  message.textContent = text
  message.hidden = !text
}

async function problemText (response) {
  try {
    const problem = await response.json()
    return `${problem.title}: ${problem.detail}`
  } catch {
    return `The server answered ${response.status}.`
  }
}

function signInUrl () {
  return `${bff}/auth/sweatstack/login?next=${encodeURIComponent(location.origin + '/')}`
}

async function start () {
  const params = new URLSearchParams(location.search)
  const authError = params.get('auth_error')
  if (authError) {
    say(authErrors[authError] ?? `Sign-in failed (${authError}).`)
    history.replaceState(null, '', location.pathname)
  }
  document.getElementById('sign-in').href = signInUrl()

  const response = await api('/auth/sweatstack/user')
  if (response.status === 401) return showSignedOut()
  if (!response.ok) return say(await problemText(response))
  showSignedIn(await response.json())
}

function showSignedOut () {
  document.getElementById('account').replaceChildren()
  show('signed-out', true)
  show('signed-in', false)
}

async function showSignedIn (user) {
  const name = document.createElement('span')
  name.dataset.testid = 'user-name'
  name.textContent = user.name ?? user.userId
  const signOut = document.createElement('button')
  signOut.className = 'secondary'
  signOut.dataset.testid = 'sign-out'
  signOut.textContent = 'Sign out'
  signOut.addEventListener('click', async () => {
    await api('/auth/sweatstack/logout', { method: 'POST' })
    say('You are signed out.')
    showSignedOut()
  })
  document.getElementById('account').replaceChildren(name, signOut)
  show('signed-out', false)
  show('signed-in', true)
  await loadActivities()
}

async function loadActivities () {
  const response = await api('/api/v1/activities/?limit=10')
  if (response.status === 401) {
    say('Your session has ended. Please sign in again.')
    return showSignedOut()
  }
  if (!response.ok) return say(await problemText(response))
  const rows = (await response.json()).map(activityRow)
  document.getElementById('activity-rows').replaceChildren(...rows)
}

function activityRow (activity) {
  const row = document.createElement('tr')
  row.dataset.testid = 'activity'
  const distance = activity.summary?.distance?.sum
  const cells = [
    activity.start_local.slice(0, 10),
    activity.sport,
    activityName(activity),
    formatDuration(activity.duration),
    distance == null ? '–' : `${(distance / 1000).toFixed(1)} km`,
  ]
  for (const [index, text] of cells.entries()) {
    const cell = document.createElement('td')
    if (index >= 3) cell.className = 'number'
    cell.textContent = text
    row.append(cell)
  }
  return row
}

/** SweatStack activities have no title; name them the way training apps do, by time of day and sport. */
function activityName (activity) {
  const hour = Number(activity.start_local.slice(11, 13))
  const part = hour < 12 ? 'Morning' : hour < 17 ? 'Afternoon' : 'Evening'
  const [code] = activity.sport.split(/[.+]/)
  const words = { cycling: 'ride', running: 'run', swimming: 'swim', walking: 'walk', xc_skiing: 'ski', rowing: 'row' }
  return `${part} ${words[code] ?? code.replace('_', ' ')}`
}

/** ISO 8601 durations such as PT1H2M3S, shown as 1:02:03. */
function formatDuration (iso) {
  const match = /^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso ?? '')
  if (!match) return iso ?? '–'
  const [, d = 0, h = 0, m = 0, s = 0] = match
  const hours = Number(d) * 24 + Number(h)
  return `${hours}:${String(m).padStart(2, '0')}:${String(Math.floor(Number(s))).padStart(2, '0')}`
}

start().catch(error => say(`Could not reach the BFF at ${bff}: ${error.message}`))
