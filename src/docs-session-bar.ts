/** Where the /docs session bar asks who is signed in, signs in and signs out. */
export interface SessionBarUrls {
  userUrl: string
  loginUrl: string
  logoutUrl: string
}

/* c8 ignore start -- runs in the browser, on Swagger UI's page; test/e2e/browser/docs.test.ts drives it */
/** Swagger UI (/docs): a bar above the operations that says who is signed in, signs in and signs out. */
function sessionBar (urls: SessionBarUrls): void {
  const bar = document.createElement('header')
  bar.className = 'session-bar'
  bar.setAttribute('aria-label', 'Session')
  bar.dataset.testid = 'session-bar'
  document.body.insertBefore(bar, document.body.firstChild)

  const element = (tag: string, text = '', attributes: Record<string, string> = {}) => {
    const node = document.createElement(tag)
    node.textContent = text
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
    return node
  }
  const show = (...nodes: Node[]) => bar.replaceChildren(element('span', 'sweatstack-bff API', { class: 'session-bar-title' }), ...nodes)

  const refresh = async (): Promise<void> => {
    let response: Response
    try {
      response = await fetch(urls.userUrl, { credentials: 'include' })
    } catch {
      show(element('span', 'The BFF cannot be reached. Is it running?'))
      return
    }
    if (response.status === 204) {
      show(element('span', 'Not signed in: "Try it out" on /api needs a session.'), element('a', 'Sign in with SweatStack', { href: urls.loginUrl }))
      return
    }
    if (!response.ok) {
      show(element('span', `Who is signed in is unknown: ${urls.userUrl} answered ${response.status}.`))
      return
    }
    const user = await response.json() as { userId: string, name: string | null, selectedUserId: string | null, selectedName: string | null }
    const who = element('span', 'Signed in as ', { 'data-testid': 'session-user' })
    who.append(element('strong', user.name ?? user.userId))
    if (user.selectedUserId !== null) who.append(', viewing ', element('strong', user.selectedName ?? user.selectedUserId))
    const signOut = element('button', 'Sign out', { type: 'button' }) as HTMLButtonElement
    signOut.addEventListener('click', async () => {
      signOut.disabled = true
      await fetch(urls.logoutUrl, { method: 'POST', credentials: 'include', headers: { 'X-CSRF': '1' } }).catch(() => {})
      await refresh()
    })
    show(who, signOut)
  }
  refresh()
}
/* c8 ignore stop */

/** The bar as a script for Swagger UI's page (a theme script, served from /docs/static/theme/). */
export function sessionBarScript (urls: SessionBarUrls): string {
  return `(${sessionBar.toString()})(${JSON.stringify(urls)})\n`
}

export const SESSION_BAR_CSS = `
.session-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px; padding: 12px 20px; background: #1b1b1b; color: #fff; font: 14px sans-serif; }
.session-bar-title { font-weight: 700; margin-right: auto; }
.session-bar a, .session-bar button { padding: 6px 14px; border: 0; border-radius: 4px; background: #49cc90; color: #1b1b1b; font: inherit; font-weight: 700; text-decoration: none; cursor: pointer; }
`
