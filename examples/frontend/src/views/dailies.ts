// Dailies: one measure (body mass, resting heart rate, HRV, sleep) over 30, 90 or 365 days.
import { unwrap } from '../../../../clients/bff-client/index.ts'
import type { DailyResponse } from '../../../../clients/bff-client/index.ts'
import { beginView, bff, fail, failOnFilters, reportDroppedParams, state, viewingName } from '../app.ts'
import { lineChart } from '../chart.ts'
import { empty, h, loading } from '../dom.ts'
import { readDailyFilters } from '../filters.ts'
import type { DailyFilters, DailyParam } from '../filters.ts'
import { dayMonth, daysAgo, isoDay, monthName } from '../format.ts'

const MEASURES = [
  { measure: 'body_mass', label: 'Body mass', unit: 'kg', scale: 1, digits: 1, color: '#0f766e' },
  { measure: 'resting_hr', label: 'Resting heart rate', unit: 'bpm', scale: 1, digits: 0, color: '#e11d48' },
  { measure: 'hrv', label: 'Heart rate variability', unit: 'ms', scale: 1, digits: 0, color: '#7c3aed' },
  { measure: 'sleep_duration', label: 'Sleep', unit: 'h', scale: 1 / 3600, digits: 1, color: '#2563eb' },
] as const
const PERIODS = [30, 90, 365] as const

/** The request's fields that come from the hash, by the parameter they come from (start and end from days). */
const FIELDS: Partial<Record<string, DailyParam>> = { measure: 'measure', start: 'days', end: 'days' }

/** Month starts (over 60 days) or Mondays, from the UTC midnight `startMs`. */
function ticksFor (days: number, startMs: number): Array<[number, string]> {
  const ticks: Array<[number, string]> = []
  for (let day = 0; day <= days; day++) {
    const date = new Date(startMs + day * 86400_000)
    if (days > 60 ? date.getUTCDate() === 1 : date.getUTCDay() === 1) ticks.push([day, (days > 60 ? monthName : dayMonth)(isoDay(date))])
  }
  return ticks
}

function hashFor (filters: DailyFilters): string {
  const params = new URLSearchParams()
  if (filters.measure !== null) params.set('measure', filters.measure)
  if (filters.days !== null) params.set('days', String(filters.days))
  const query = params.toString()
  return query === '' ? '#/dailies' : `#/dailies?${query}`
}

function without (filters: DailyFilters, params: DailyParam[]): DailyFilters {
  return { measure: params.includes('measure') ? null : filters.measure, days: params.includes('days') ? null : filters.days }
}

export async function dailiesView (params: URLSearchParams): Promise<void> {
  const { filters, dropped } = readDailyFilters(params, MEASURES.map(m => m.measure), PERIODS)
  if (dropped.length > 0) reportDroppedParams(dropped, hashFor(filters))
  const spec = MEASURES.find(m => m.measure === filters.measure) ?? MEASURES[0]
  const days = filters.days ?? 90
  const go = (measure: string, period: number) => { location.hash = hashFor({ measure, days: period }) }

  const controls = h('div', { class: 'filters' },
    h('div', { class: 'field' }, h('label', { for: 'daily-measure' }, 'Measure'),
      h('select', { id: 'daily-measure', onchange: (event: Event) => go((event.target as HTMLSelectElement).value, days) },
        ...MEASURES.map(m => h('option', { value: m.measure, selected: m === spec }, m.label)))),
    h('div', { class: 'field' }, h('span', { class: 'label', id: 'period-label' }, 'Period'),
      h('div', { class: 'segmented', role: 'group', 'aria-labelledby': 'period-label' },
        ...PERIODS.map(p => h('button', { type: 'button', 'aria-pressed': String(p === days), onclick: () => go(spec.measure, p) }, p === 365 ? '1 year' : `${p} days`)))))
  const body = h('section', { class: 'card', 'aria-labelledby': 'daily-title', 'data-testid': 'dailies' },
    h('h2', { id: 'daily-title' }, `${spec.label} (${spec.unit})`), loading('Loading dailies…'))
  const current = beginView(
    h('div', { class: 'view-header' }, h('div', {}, h('h1', {}, 'Dailies'),
      h('p', { class: 'subtitle' }, state.user?.selectedUserId != null ? `${viewingName()}'s daily measures` : 'Your daily measures: body, heart and sleep'))),
    controls, body)

  const start = daysAgo(days)
  const end = daysAgo(0)
  const load = async () => {
    body.lastElementChild?.replaceWith(loading('Loading dailies…'))
    let rows: DailyResponse[]
    try {
      rows = await unwrap(bff.GET('/api/v1/dailies/{measure}', { params: { path: { measure: spec.measure }, query: { start, end } } }))
    } catch (error) {
      if (!current()) return
      body.lastElementChild?.replaceWith(h('div'))
      if (!failOnFilters(error, FIELDS, params => hashFor(without(filters, params)))) fail(error, () => { load() })
      return
    }
    if (!current()) return
    const startMs = Date.parse(`${start}T00:00:00Z`)
    const points = rows
      .filter(row => row.value != null)
      .map(row => ({ day: Math.round((Date.parse(`${row.date}T00:00:00Z`) - startMs) / 86400_000), value: (row.value ?? 0) * spec.scale, date: row.date }))
      .sort((a, b) => a.day - b.day)
    if (points.length === 0) {
      body.lastElementChild?.replaceWith(empty(`No ${spec.label.toLowerCase()} in the last ${days} days.`, 'Values from connected devices or entered at SweatStack show up here.'))
      return
    }
    const values = points.map(point => point.value)
    const average = values.reduce((sum, value) => sum + value, 0) / values.length
    const latest = points.at(-1)!
    const fmt = (value: number) => `${value.toFixed(spec.digits)} ${spec.unit}`
    body.lastElementChild?.replaceWith(h('div', {},
      h('div', { class: 'stats compact' },
        h('div', { class: 'stat', 'data-testid': 'daily-latest' }, h('span', { class: 'stat-label' }, `Latest (${dayMonth(latest.date)})`), h('span', { class: 'stat-value' }, fmt(latest.value))),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, `Average, ${days} days`), h('span', { class: 'stat-value' }, fmt(average))),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Range'), h('span', { class: 'stat-value' }, `${Math.min(...values).toFixed(spec.digits)}–${fmt(Math.max(...values))}`)),
        h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, 'Days with a value'), h('span', { class: 'stat-value' }, `${points.length} of ${days + 1}`))),
      lineChart({
        label: `${spec.label} over the last ${days} days`,
        testid: 'chart-daily',
        x: points.map(point => point.day),
        y: values,
        color: spec.color,
        yTitle: `${spec.label} (${spec.unit})`,
        xTicks: ticksFor(days, startMs),
        height: 240,
        dots: true,
        yDigits: spec.digits,
      })))
  }
  await load()
}
