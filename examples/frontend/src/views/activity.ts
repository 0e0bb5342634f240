// One activity: its summary, power / heart rate / speed over time, and its mean-max curve.
import { JSON_COLUMNS, unwrap, unwrapColumns } from '../../../../clients/bff-client/index.ts'
import type { ActivityDetails, ParquetColumns } from '../../../../clients/bff-client/index.ts'
import { beginView, bff, fail, state, viewingName } from '../app.ts'
import { elapsedTicks, legend, lineChart } from '../chart.ts'
import { empty, h, loading } from '../dom.ts'
import { activityName, clock, durationSeconds, km, localDate, localTime, num, shortDuration, sportLabel } from '../format.ts'

const STREAMS = [
  { metric: 'power', label: 'Power', unit: 'W', color: '#7c3aed', scale: 1, digits: 0 },
  { metric: 'heart_rate', label: 'Heart rate', unit: 'bpm', color: '#e11d48', scale: 1, digits: 0 },
  { metric: 'speed', label: 'Speed', unit: 'km/h', color: '#0284c7', scale: 3.6, digits: 0 },
] as const

const MEAN_MAX_TICKS: Array<[number, string]> = [[1, '1 s'], [5, '5 s'], [15, '15 s'], [60, '1 min'], [300, '5 min'], [1200, '20 min'], [3600, '1 h'], [10800, '3 h']]
const KEY_DURATIONS = [5, 60, 300, 1200, 3600]

function numbers (column: unknown[] | undefined): Array<number | null> {
  return (column ?? []).map(value => typeof value === 'number' && Number.isFinite(value) ? value : null)
}

function stat (label: string, value: string, testid?: string): HTMLElement {
  return h('div', { class: 'stat', 'data-testid': testid }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, value))
}

function summaryStats (activity: ActivityDetails): HTMLElement {
  const summary = activity.summary
  const speed = summary?.speed?.mean
  return h('div', { class: 'stats', 'aria-label': 'Summary' },
    stat('Duration', clock(durationSeconds(activity.duration)), 'stat-duration'),
    stat('Distance', km(summary?.distance?.sum)),
    stat('Avg power', num(summary?.power?.mean, 'W')),
    stat('Avg heart rate', num(summary?.heart_rate?.mean, 'bpm')),
    stat('Avg speed', speed == null ? '–' : `${(speed * 3.6).toFixed(1)} km/h`))
}

function streamCharts (data: ParquetColumns, metrics: Array<typeof STREAMS[number]>): HTMLElement {
  const times = (data.columns.timestamp ?? []).map(value => Date.parse(String(value)))
  const t0 = times[0] ?? 0
  const elapsed = times.map(time => (time - t0) / 1000)
  const ticks = elapsedTicks(elapsed.at(-1) ?? 0)
  return h('div', { class: 'stream-charts' },
    legend(metrics.map(stream => [stream.color, `${stream.label} (${stream.unit})`])),
    ...metrics.map(stream => lineChart({
      label: `${stream.label} over time`,
      testid: `chart-${stream.metric}`,
      x: elapsed,
      y: numbers(data.columns[stream.metric]).map(value => value === null ? null : value * stream.scale),
      color: stream.color,
      yTitle: `${stream.label} (${stream.unit})`,
      xTicks: ticks,
      height: 150,
      area: true,
      yDigits: stream.digits,
    })))
}

function meanMaxChart (data: ParquetColumns, metric: 'power' | 'speed'): HTMLElement {
  const durations = numbers(data.columns.duration).map(value => value ?? 0)
  const scale = metric === 'speed' ? 3.6 : 1
  const unit = metric === 'speed' ? 'km/h' : 'W'
  const values = numbers(data.columns[metric]).map(value => value === null ? null : value * scale)
  const bests = KEY_DURATIONS.map(duration => {
    const index = durations.indexOf(duration)
    const value = index === -1 ? null : values[index]
    return value == null ? null : stat(`Best ${shortDuration(duration)}`, `${value.toFixed(metric === 'speed' ? 1 : 0)} ${unit}`)
  })
  return h('div', {},
    h('div', { class: 'stats compact' }, ...bests),
    lineChart({
      label: `Mean-max ${metric} curve: the best average ${metric} for every duration`,
      testid: 'chart-mean-max',
      x: durations,
      y: values,
      color: metric === 'power' ? '#7c3aed' : '#0284c7',
      yTitle: `Best average ${metric} (${unit})`,
      xTicks: MEAN_MAX_TICKS,
      xLog: true,
      height: 220,
      dots: true,
    }))
}

export async function activityView (id: string): Promise<void> {
  const header = h('div', { class: 'view-header' }, h('div', {}, h('a', { class: 'back', href: '#/' }, '← All activities'), h('h1', {}, 'Activity')))
  const body = h('div', {}, loading('Loading the activity…'))
  const current = beginView(header, body)
  const load = async () => {
    body.replaceChildren(loading('Loading the activity…'))
    let activity: ActivityDetails
    try {
      activity = await unwrap(bff.GET('/api/v1/activities/{activity_id}', { params: { path: { activity_id: id } } }))
    } catch (error) {
      if (!current()) return
      body.replaceChildren(empty('This activity could not be shown.', 'It may have been deleted, or belong to someone else.', h('a', { class: 'button secondary', href: '#/' }, 'All activities')))
      fail(error, () => { load() })
      return
    }
    if (!current()) return
    header.replaceChildren(h('div', {},
      h('a', { class: 'back', href: '#/' }, '← All activities'),
      h('h1', { 'data-testid': 'activity-title' }, activityName(activity)),
      h('p', { class: 'subtitle' }, `${localDate(activity.start_local)} at ${localTime(activity.start_local)} · ${sportLabel(activity.sport)}${state.user?.selectedUserId != null ? ` · ${viewingName()}` : ''}`)))

    const metrics = STREAMS.filter(stream => activity.metrics.includes(stream.metric))
    const streams = h('section', { class: 'card', 'aria-labelledby': 'streams-title', 'data-testid': 'streams' },
      h('h2', { id: 'streams-title' }, metrics.length === 0 ? 'Over time' : `${metrics.map((stream, index) => index === 0 ? stream.label : stream.label.toLowerCase()).join(', ').replace(/, ([^,]*)$/, ' and $1')} over time`),
      metrics.length === 0 ? empty('No power, heart rate or speed recorded.', 'This activity has no streams to chart.') : loading('Loading the recording…'))
    const meanMaxMetric = activity.metrics.includes('power') ? 'power' : activity.metrics.includes('speed') ? 'speed' : null
    const meanMax = h('section', { class: 'card', 'aria-labelledby': 'mean-max-title', 'data-testid': 'mean-max' },
      h('h2', { id: 'mean-max-title' }, meanMaxMetric === 'speed' ? 'Mean-max speed' : 'Mean-max power'),
      h('p', { class: 'hint' }, 'Your best average for every duration in this activity.'),
      meanMaxMetric === null ? empty('No power or speed recorded.', 'A mean-max curve needs power or speed.') : loading('Loading the curve…'))
    body.replaceChildren(summaryStats(activity), streams, meanMax)

    const tasks: Array<Promise<void>> = []
    if (metrics.length > 0) {
      tasks.push(unwrapColumns(bff.GET('/api/v1/activities/{activity_id}/data', {
        params: { path: { activity_id: id }, query: { metrics: metrics.map(stream => stream.metric) } },
        ...JSON_COLUMNS,
      })).then(data => {
        if (!current()) return
        streams.lastElementChild?.replaceWith(data.rows === 0 ? empty('The recording is empty.', '') : streamCharts(data, metrics))
      }))
    }
    if (meanMaxMetric !== null) {
      tasks.push(unwrapColumns(bff.GET('/api/v1/activities/{activity_id}/mean-max', {
        params: { path: { activity_id: id }, query: { metric: meanMaxMetric } },
        ...JSON_COLUMNS,
      })).then(data => {
        if (!current()) return
        meanMax.lastElementChild?.replaceWith(data.rows === 0 ? empty('No curve for this activity.', '') : meanMaxChart(data, meanMaxMetric))
      }))
    }
    const failures = (await Promise.allSettled(tasks)).filter(result => result.status === 'rejected')
    if (failures.length > 0 && current()) fail(failures[0]?.reason, () => { load() })
  }
  await load()
}
