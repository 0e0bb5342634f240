// Activities: the list with sport and date filters, ten per page.
import { unwrap } from '../../../../clients/bff-client/index.ts'
import type { ActivitySummary } from '../../../../clients/bff-client/index.ts'
import { beginView, bff, fail, failOnFilters, reportDroppedParams, state, viewingName } from '../app.ts'
import { empty, h, loading } from '../dom.ts'
import { readActivityFilters } from '../filters.ts'
import type { ActivityFilters, ActivityParam } from '../filters.ts'
import { SPORTS, activityName, clock, durationSeconds, km, localDate, localTime, num, sportLabel, sportRoot } from '../format.ts'

export const PAGE_SIZE = 10

/** The query fields of GET /api/v1/activities/ that come from the hash, by the parameter they come from. */
const FIELDS: Partial<Record<string, ActivityParam>> = { sport: 'sport', start: 'start', end: 'end', offset: 'page' }

function without (filters: ActivityFilters, params: ActivityParam[]): ActivityFilters {
  const cleared: ActivityFilters = { ...filters, page: 1 }
  for (const param of params) {
    if (param !== 'page') cleared[param] = ''
  }
  return cleared
}

function hashFor (filters: ActivityFilters): string {
  const params = new URLSearchParams()
  if (filters.sport !== '') params.set('sport', filters.sport)
  if (filters.start !== '') params.set('start', filters.start)
  if (filters.end !== '') params.set('end', filters.end)
  if (filters.page > 1) params.set('page', String(filters.page))
  const query = params.toString()
  return query === '' ? '#/' : `#/?${query}`
}

function filterForm (filters: ActivityFilters): HTMLFormElement {
  const go = (change: Partial<ActivityFilters>) => { location.hash = hashFor({ ...filters, page: 1, ...change }) }
  // A link may filter on a sport the menu does not list (e.g. cycling.road): show it as it is.
  const sports = filters.sport === '' || SPORTS.some(([value]) => value === filters.sport) ? SPORTS : [...SPORTS, [filters.sport, sportLabel(filters.sport)] as const]
  const sport = h('select', { id: 'filter-sport', name: 'sport', onchange: (event: Event) => go({ sport: (event.target as HTMLSelectElement).value }) },
    h('option', { value: '' }, 'All sports'),
    ...sports.map(([value, label]) => h('option', { value, selected: value === filters.sport }, label)))
  const start = h('input', { id: 'filter-start', type: 'date', name: 'start', value: filters.start, max: filters.end || undefined, onchange: (event: Event) => go({ start: (event.target as HTMLInputElement).value }) })
  const end = h('input', { id: 'filter-end', type: 'date', name: 'end', value: filters.end, min: filters.start || undefined, onchange: (event: Event) => go({ end: (event.target as HTMLInputElement).value }) })
  const filtered = filters.sport !== '' || filters.start !== '' || filters.end !== ''
  return h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter activities', onsubmit: (event: Event) => event.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: 'filter-sport' }, 'Sport'), sport),
    h('div', { class: 'field' }, h('label', { for: 'filter-start' }, 'From'), start),
    h('div', { class: 'field' }, h('label', { for: 'filter-end' }, 'To'), end),
    filtered ? h('button', { type: 'button', class: 'link-button', onclick: () => { location.hash = '#/' } }, 'Clear filters') : null)
}

function row (activity: ActivitySummary): HTMLTableRowElement {
  const summary = activity.summary
  const href = `#/activities/${encodeURIComponent(activity.id)}`
  return h('tr', { 'data-testid': 'activity-row', 'data-sport': activity.sport },
    h('td', {}, h('span', { class: 'date' }, localDate(activity.start_local)), h('span', { class: 'sub' }, localTime(activity.start_local))),
    h('td', {}, h('a', { href, class: 'activity-link' }, activityName(activity))),
    h('td', {}, h('span', { class: `sport-badge sport-${sportRoot(activity.sport)}` }, sportLabel(activity.sport))),
    // data-label: the column's name, shown beside the value where the table reflows on a phone.
    h('td', { class: 'number', 'data-label': 'Duration' }, clock(durationSeconds(activity.duration))),
    h('td', { class: 'number', 'data-label': 'Distance' }, km(summary?.distance?.sum)),
    h('td', { class: 'number', 'data-label': 'Avg power' }, num(summary?.power?.mean, 'W')),
    h('td', { class: 'number', 'data-label': 'Avg HR' }, num(summary?.heart_rate?.mean, 'bpm')))
}

export async function activitiesView (params: URLSearchParams): Promise<void> {
  const { filters, dropped } = readActivityFilters(params)
  if (dropped.length > 0) reportDroppedParams(dropped, hashFor(filters))
  const results = h('div', { class: 'results' }, loading('Loading activities…'))
  const current = beginView(
    h('div', { class: 'view-header' },
      h('div', {}, h('h1', {}, 'Activities'), h('p', { class: 'subtitle' }, state.user?.selectedUserId != null ? `${viewingName()}'s training` : 'Your training, newest first')),
      h('a', { class: 'button secondary', href: '#/upload' }, 'Upload a file')),
    filterForm(filters),
    results)

  const load = async () => {
    results.replaceChildren(loading('Loading activities…'))
    try {
      const activities = await unwrap(bff.GET('/api/v1/activities/', {
        params: {
          query: {
            sport: filters.sport === '' ? undefined : [filters.sport],
            start: filters.start === '' ? undefined : filters.start,
            end: filters.end === '' ? undefined : filters.end,
            // One more than a page tells whether there is a next page.
            limit: PAGE_SIZE + 1,
            offset: (filters.page - 1) * PAGE_SIZE,
          },
        },
      }))
      if (!current()) return
      render(activities)
    } catch (error) {
      if (!current()) return
      results.replaceChildren(empty('Your activities could not be loaded.', 'Nothing was changed; see the message above.'))
      if (!failOnFilters(error, FIELDS, params => hashFor(without(filters, params)))) fail(error, () => { load() })
    }
  }

  const render = (activities: ActivitySummary[]) => {
    const page = activities.slice(0, PAGE_SIZE)
    const hasNext = activities.length > PAGE_SIZE
    if (page.length === 0) {
      const filtered = filters.sport !== '' || filters.start !== '' || filters.end !== ''
      results.replaceChildren(filters.page > 1
        ? empty('No more activities.', 'You have reached the end of the list.', h('a', { class: 'button secondary', href: hashFor({ ...filters, page: 1 }) }, 'Back to the first page'))
        : filtered
          ? empty('No activities match these filters.', 'Try another sport or a wider date range.', h('a', { class: 'button secondary', href: '#/' }, 'Clear filters'))
          : empty('No activities yet.', 'Upload a .fit file or connect a device at SweatStack, and your training shows up here.', h('a', { class: 'button', href: '#/upload' }, 'Upload a file')))
      return
    }
    const first = (filters.page - 1) * PAGE_SIZE + 1
    results.replaceChildren(
      h('div', { class: 'table-card' },
        h('table', { class: 'activity-table', 'data-testid': 'activities', 'aria-label': 'Activities' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Activity'), h('th', { scope: 'col' }, 'Sport'),
            h('th', { scope: 'col', class: 'number' }, 'Duration'), h('th', { scope: 'col', class: 'number' }, 'Distance'),
            h('th', { scope: 'col', class: 'number' }, 'Avg power'), h('th', { scope: 'col', class: 'number' }, 'Avg HR'))),
          h('tbody', {}, ...page.map(row)))),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        h('a', { class: `button secondary small${filters.page > 1 ? '' : ' disabled'}`, href: filters.page > 1 ? hashFor({ ...filters, page: filters.page - 1 }) : undefined, 'aria-disabled': filters.page > 1 ? undefined : 'true', rel: 'prev' }, '← Newer'),
        h('span', { class: 'page-info', 'data-testid': 'page-info' }, `Page ${filters.page} · activities ${first}–${first + page.length - 1}`),
        h('a', { class: `button secondary small${hasNext ? '' : ' disabled'}`, href: hasNext ? hashFor({ ...filters, page: filters.page + 1 }) : undefined, 'aria-disabled': hasNext ? undefined : 'true', rel: 'next' }, 'Older →')))
  }

  await load()
}
