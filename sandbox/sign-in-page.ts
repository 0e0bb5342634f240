import type { RawParams } from './authorize-request.ts'
import type { SandboxUser } from './users.ts'

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

const styles = `
  :root { color-scheme: light dark; --accent: #e4572e; --muted: #6b7280; --card: #ffffff; --bg: #f4f5f7; --line: #e5e7eb; }
  @media (prefers-color-scheme: dark) { :root { --card: #1f2430; --bg: #12151c; --line: #2e3440; --muted: #9aa3b2; } }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg);
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { width: min(28rem, calc(100vw - 2rem)); background: var(--card); border: 1px solid var(--line);
    border-radius: 12px; padding: 1.75rem; box-shadow: 0 8px 30px rgb(0 0 0 / 8%); }
  .badge { display: inline-block; font-size: .75rem; font-weight: 600; letter-spacing: .04em; text-transform: uppercase;
    color: var(--accent); border: 1px solid var(--accent); border-radius: 999px; padding: .1rem .6rem; }
  h1 { font-size: 1.35rem; margin: .75rem 0 .25rem; }
  p { margin: 0 0 1.25rem; color: var(--muted); }
  ul { list-style: none; margin: 0 0 1.25rem; padding: 0; display: grid; gap: .6rem; }
  li { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .6rem .8rem;
    border: 1px solid var(--line); border-radius: 8px; }
  .who { display: grid; }
  .role { font-size: .8rem; color: var(--muted); }
  button { font: inherit; cursor: pointer; border-radius: 8px; padding: .45rem .9rem; border: 1px solid transparent; }
  .sign-in { background: var(--accent); color: #fff; white-space: nowrap; }
  .deny { width: 100%; background: transparent; color: inherit; border-color: var(--line); }
  button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  code { font-size: .85em; }
`

function page (title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · SweatStack sandbox</title>
<style>${styles}</style>
</head>
<body>
<main>
<span class="badge">SweatStack sandbox</span>
${content}
</main>
</body>
</html>
`
}

/** The consent page: one form carrying the authorize parameters, one button per seeded user, and Deny. */
export function signInPage (params: RawParams, users: readonly SandboxUser[], scopes: string[]): string {
  const hidden = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n')
  const rows = users.map((user) => `<li>
  <span class="who"><strong>${escapeHtml(user.name)}</strong><span class="role">${user.role}</span></span>
  <button class="sign-in" type="submit" name="user_id" value="${escapeHtml(user.id)}" data-user-id="${escapeHtml(user.id)}">Sign in as ${escapeHtml(user.givenName)}</button>
</li>`).join('\n')
  return page('Sign in', `<h1>Sign in to continue</h1>
<p>An offline stand-in for SweatStack. Pick a seeded account; the app asks for <code>${escapeHtml(scopes.join(' '))}</code>.</p>
<form method="post" action="/oauth/authorize">
${hidden}
<ul>
${rows}
</ul>
<button class="deny" type="submit" name="action" value="deny" data-action="deny">Deny</button>
</form>`)
}

export function errorPage (message: string): string {
  return page('Authorization error', `<h1>This sign-in request cannot continue</h1>
<p>${escapeHtml(message)}</p>`)
}
