// Signed out: what the app does, and the one button.
import { beginView, signInUrl } from '../app.ts'
import { h } from '../dom.ts'

export function signInView (): void {
  beginView(h('section', { class: 'sign-in card', 'aria-labelledby': 'sign-in-title', 'data-testid': 'sign-in-screen' },
    h('h1', { id: 'sign-in-title' }, 'Your training, from SweatStack'),
    h('p', {}, 'See your activities with power, heart rate and speed, your mean-max curve and your dailies; upload .fit files; and, as a coach, look at your athletes\' training.'),
    h('a', { class: 'button large', href: signInUrl(), 'data-testid': 'sign-in' }, 'Sign in with SweatStack'),
    h('p', { class: 'hint' }, 'Your SweatStack tokens stay on the server. This page only holds a cookie it cannot read.')))
}
