// Upload: .fit (or .csv) files to SweatStack, with progress; live events tell when they are processed.
import { BffError, uploadActivities } from '../../../../clients/bff-client/index.ts'
import type { LiveEvent, UploadResponse } from '../../../../clients/bff-client/index.ts'
import { beginView, bffUrl, fail, showMessage, state, viewingName } from '../app.ts'
import { h } from '../dom.ts'

type Source = UploadResponse['sources'][number]

function sizeText (bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

const header = () => h('div', { class: 'view-header' }, h('div', {}, h('h1', {}, 'Upload'), h('p', { class: 'subtitle' }, 'Add activities from FIT files (Garmin, Wahoo, Zwift, …) or CSV.')))

export function uploadView (): void {
  // Writing needs data:write; without it SweatStack refuses, so say how to ask for it instead of offering a form.
  if (state.user !== null && !state.user.scopes.includes('data:write')) {
    beginView(header(), h('section', { class: 'card', 'data-testid': 'no-write-scope' },
      h('h2', {}, 'Uploads need the data:write scope'),
      h('p', {}, 'This sign-in granted ', h('code', {}, state.user.scopes.join(' ') || 'no scopes'), ', so SweatStack would refuse an upload.'),
      h('p', {}, 'Ask for it on the BFF with ', h('code', {}, 'SWEATSTACK_SCOPES="data:read data:write profile"'), ', restart it, then sign out and in again.')))
    return
  }
  let files: File[] = []
  const input = h('input', { id: 'upload-files', type: 'file', multiple: true, accept: '.fit,.csv', class: 'visually-hidden', onchange: () => choose([...input.files ?? []]) })
  const list = h('ul', { class: 'file-list', 'aria-label': 'Chosen files' })
  const button = h('button', { type: 'submit', class: 'button', disabled: true }, 'Upload')
  const bar = h('div', { class: 'progress-bar' })
  const progressText = h('span', { class: 'progress-text' }, '')
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Upload progress', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'data-testid': 'upload-progress', hidden: true }, bar)
  const results = h('div', { class: 'upload-results', 'data-testid': 'upload-results', 'aria-live': 'polite' })
  const drop = h('label', { class: 'dropzone', for: 'upload-files', 'data-testid': 'dropzone' },
    h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }, '⬆'),
    h('strong', {}, 'Choose .fit or .csv files'),
    h('span', { class: 'hint' }, 'or drop them here · up to 10 files'))

  const choose = (chosen: File[]) => {
    files = chosen.slice(0, 10)
    list.replaceChildren(...files.map(file => h('li', {}, h('span', {}, file.name), h('span', { class: 'sub' }, sizeText(file.size)))))
    button.disabled = files.length === 0
  }
  drop.addEventListener('dragover', event => { event.preventDefault(); drop.classList.add('over') })
  drop.addEventListener('dragleave', () => drop.classList.remove('over'))
  drop.addEventListener('drop', event => {
    event.preventDefault()
    drop.classList.remove('over')
    choose([...event.dataTransfer?.files ?? []])
  })

  const setProgress = (fraction: number) => {
    const percent = Math.round(fraction * 100)
    progress.hidden = false
    progress.setAttribute('aria-valuenow', String(percent))
    bar.style.width = `${percent}%`
    progressText.textContent = percent < 100 ? `Uploading… ${percent}%` : 'Uploaded, waiting for SweatStack…'
  }

  const statusRows = new Map<string, HTMLElement>()
  const showSources = (sources: Source[]) => {
    results.replaceChildren(
      h('h2', {}, 'Processing at SweatStack'),
      h('p', { class: 'hint' }, state.live ? 'You get a notification when each activity is ready.' : 'Each activity shows up under Activities once SweatStack has read the file.'),
      h('ul', { class: 'source-list' }, ...sources.map(source => {
        const status = h('span', { class: `status status-${source.status}`, 'data-testid': 'source-status' }, source.status === 'processing' ? 'Processing…' : source.status)
        statusRows.set(source.id, status)
        return h('li', {}, h('span', {}, source.filename ?? source.id), status)
      })))
  }

  const onEvent = (event: Event) => {
    const live = (event as CustomEvent<LiveEvent>).detail
    const status = statusRows.get(live.resource_id ?? '')
    if (status === undefined) return
    if (live.event_type === 'source_processed') {
      status.className = 'status status-processed'
      status.textContent = 'Processed'
    } else if (live.event_type === 'source_failed') {
      status.className = 'status status-failed'
      status.textContent = 'Failed'
    }
  }

  const form = h('form', {
    class: 'card upload-form',
    'aria-label': 'Upload activities',
    onsubmit: async (event: Event) => {
      event.preventDefault()
      if (files.length === 0) return
      button.disabled = true
      button.textContent = 'Uploading…'
      results.replaceChildren()
      setProgress(0)
      try {
        const answer = await uploadActivities(bffUrl, files, setProgress)
        progressText.textContent = `Uploaded ${files.length} file${files.length === 1 ? '' : 's'}.`
        showMessage('success', 'Upload complete.', `SweatStack is reading ${files.length === 1 ? 'the file' : 'the files'} now.`)
        showSources(answer.sources)
        choose([])
        input.value = ''
      } catch (error) {
        progress.hidden = true
        progressText.textContent = ''
        if (error instanceof BffError && error.status === 413) showMessage('error', 'That file is too large.', error.problem.detail ?? '')
        else fail(error)
        button.disabled = files.length === 0
      } finally {
        button.textContent = 'Upload'
      }
    },
  },
  state.user?.selectedUserId != null ? h('p', { class: 'notice' }, `Coach mode: files go to ${viewingName()}'s account.`) : null,
  input, drop, list,
  h('div', { class: 'upload-actions' }, button, h('div', { class: 'progress-wrap' }, progress, progressText)))

  const current = beginView(header(), form, results)
  window.addEventListener('bff:event', onEvent)
  const stop = () => {
    if (current()) return
    window.removeEventListener('bff:event', onEvent)
    window.removeEventListener('hashchange', stop)
  }
  window.addEventListener('hashchange', stop)
}
