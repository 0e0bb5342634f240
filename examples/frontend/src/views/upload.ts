// Upload: .fit (or .csv) files to SweatStack, with progress; live events tell when they are processed.
import { BffError, uploadActivities } from '../../../../clients/bff-client/index.ts'
import type { LiveEvent, UploadResponse } from '../../../../clients/bff-client/index.ts'
import { beginView, bffUrl, clearMessages, fail, showMessage, state, viewingName } from '../app.ts'
import { h } from '../dom.ts'

type Source = UploadResponse['sources'][number]
type Outcome = 'processing' | 'processed' | 'failed'

/** One file of the latest upload, as SweatStack last reported it. */
interface Tracked { name: string, outcome: Outcome, status: HTMLElement }

const statusText: Record<Outcome, string> = { processing: 'Processing…', processed: 'Processed', failed: 'Failed' }

function outcomeOf (source: Source): Outcome {
  return source.status === 'processed' || source.status === 'failed' ? source.status : 'processing'
}

function setOutcome (file: Tracked, outcome: Outcome): void {
  file.outcome = outcome
  file.status.className = `status status-${outcome}`
  file.status.textContent = statusText[outcome]
}

/**
 * The banner tells the outcome of the latest upload, from the state of each of its files: an error as
 * soon as one failed, "reading" while any is processing, success only when all were read.
 */
function reportUpload (files: Tracked[]): void {
  const failed = files.filter(file => file.outcome === 'failed')
  const reading = files.some(file => file.outcome === 'processing')
  const them = files.length === 1 ? 'the file' : `the ${files.length} files`
  if (failed.length > 0) {
    const title = failed.length === files.length ? `SweatStack could not read ${them}.` : `SweatStack could not read ${failed.length} of ${files.length} files.`
    const rest = failed.length === files.length ? 'Check that each is a .fit or .csv file from your device.' : reading ? 'It is still reading the others.' : 'The others are under Activities.'
    showMessage('error', title, `Failed: ${failed.map(file => file.name).join(', ')}. ${rest}`, undefined, 'message-upload-failed')
  } else if (reading) {
    showMessage('info', 'Upload complete.', `SweatStack is reading ${them} now.`, undefined, 'message-upload-reading')
  } else {
    showMessage('success', 'Upload complete.', `SweatStack has read ${them}: see Activities.`, undefined, 'message-success')
  }
}

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
  let uploading = false
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
    list.replaceChildren(...files.map(file => h('li', {}, h('span', { class: 'file-name' }, file.name), h('span', { class: 'sub' }, sizeText(file.size)))))
    button.disabled = files.length === 0 || uploading
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

  // The files of the latest upload, by source id: events about older uploads change nothing on screen.
  let tracked = new Map<string, Tracked>()
  const showSources = (sources: Source[]) => {
    tracked = new Map(sources.map(source => {
      const status = h('span', { 'data-testid': 'source-status' })
      const file: Tracked = { name: source.filename ?? source.id, outcome: 'processing', status }
      setOutcome(file, outcomeOf(source))
      return [source.id, file]
    }))
    results.replaceChildren(
      h('h2', {}, 'Processing at SweatStack'),
      h('p', { class: 'hint' }, state.live ? 'You get a notification when each activity is ready.' : 'Each activity shows up under Activities once SweatStack has read the file.'),
      h('ul', { class: 'source-list' }, ...[...tracked.values()].map(file => h('li', {}, h('span', { class: 'file-name' }, file.name), file.status))))
    reportUpload([...tracked.values()])
  }

  const onEvent = (event: Event) => {
    const live = (event as CustomEvent<LiveEvent>).detail
    const file = tracked.get(live.resource_id ?? '')
    if (file === undefined) return
    if (live.event_type === 'source_processed') setOutcome(file, 'processed')
    else if (live.event_type === 'source_failed') setOutcome(file, 'failed')
    else return
    reportUpload([...tracked.values()])
  }

  const form = h('form', {
    class: 'card upload-form',
    'aria-label': 'Upload activities',
    onsubmit: async (event: Event) => {
      event.preventDefault()
      if (files.length === 0 || uploading) return
      uploading = true
      button.disabled = true
      button.textContent = 'Uploading…'
      // What was said about the previous upload is not about this one.
      clearMessages()
      tracked = new Map()
      results.replaceChildren()
      setProgress(0)
      try {
        const answer = await uploadActivities(bffUrl, files, setProgress)
        progressText.textContent = `Uploaded ${files.length} file${files.length === 1 ? '' : 's'}.`
        showSources(answer.sources)
        choose([])
        input.value = ''
      } catch (error) {
        progress.hidden = true
        progressText.textContent = ''
        if (error instanceof BffError && error.status === 413) showMessage('error', 'That file is too large.', error.problem.detail ?? '')
        else fail(error)
      } finally {
        uploading = false
        button.textContent = 'Upload'
        button.disabled = files.length === 0
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
