// Small SVG line charts, no library: time series panels, the mean-max curve and dailies.
import { h, s } from './dom.ts'

export interface LineChartOptions {
  /** Screen-reader name of the chart. */
  label: string
  x: number[]
  y: Array<number | null>
  color: string
  /** The y axis title, e.g. "Power (W)". */
  yTitle: string
  xTicks: Array<[value: number, label: string]>
  xLog?: boolean
  height?: number
  /** Draw a dot at every value (sparse data such as dailies). */
  dots?: boolean
  /** Shade the area under the line. */
  area?: boolean
  yDigits?: number
  testid?: string
}

/** The width drawn before the chart is on screen; it is redrawn at its real width as soon as it is. */
const DEFAULT_WIDTH = 860
const MIN_WIDTH = 200
const MARGIN = { top: 22, right: 16, bottom: 26, left: 54 }
/** About how wide a character of an axis label is, in px (labels are 12 px, style.css). */
const LABEL_CHAR_PX = 7

/** About `count` round tick values covering [min, max]. */
export function niceTicks (min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (min === max) { min -= 1; max += 1 }
  const raw = (max - min) / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(candidate => candidate >= raw) ?? raw
  const ticks: number[] = []
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) ticks.push(Number(value.toFixed(10)))
  return ticks
}

/** At most `max` points: the mean of each bucket (nulls skipped; an all-null bucket stays a gap). */
export function downsample (x: number[], y: Array<number | null>, max = 700): { x: number[], y: Array<number | null> } {
  if (x.length <= max) return { x, y }
  const size = x.length / max
  const outX: number[] = []
  const outY: Array<number | null> = []
  for (let bucket = 0; bucket < max; bucket++) {
    const from = Math.floor(bucket * size)
    const to = Math.min(x.length, Math.floor((bucket + 1) * size))
    let sum = 0
    let count = 0
    for (let i = from; i < to; i++) {
      const value = y[i]
      if (value != null && Number.isFinite(value)) { sum += value; count++ }
    }
    outX.push(x[Math.floor((from + to - 1) / 2)] ?? 0)
    outY.push(count === 0 ? null : sum / count)
  }
  return { x: outX, y: outY }
}

/**
 * An SVG line chart drawn at its width on screen, one SVG unit to a CSS pixel, so that its labels keep
 * their size from a phone to a desktop; it is redrawn when its width changes.
 */
export function lineChart (options: LineChartOptions): SVGSVGElement {
  const height = options.height ?? 180
  const svg = s('svg', { class: 'chart', role: 'img', 'aria-label': options.label, preserveAspectRatio: 'none', 'data-testid': options.testid })
  const data = downsample(options.x, options.y)
  let drawnWidth = 0
  const draw = (width: number) => {
    const rounded = Math.max(MIN_WIDTH, Math.round(width))
    if (rounded === drawnWidth) return
    drawnWidth = rounded
    svg.setAttribute('viewBox', `0 0 ${rounded} ${height}`)
    svg.replaceChildren(s('title', {}, options.label), ...plot(options, data, rounded, height))
  }
  draw(DEFAULT_WIDTH)
  new ResizeObserver(entries => {
    const width = entries[0]?.contentRect.width ?? 0
    if (width > 0) draw(width)
  }).observe(svg)
  return svg
}

/** The grid, labels, line, area and dots of a chart `width` x `height` units. */
function plot (options: LineChartOptions, { x, y }: { x: number[], y: Array<number | null> }, width: number, height: number): SVGElement[] {
  const values = y.filter((value): value is number => value != null && Number.isFinite(value))
  const parts: SVGElement[] = []
  const plotW = width - MARGIN.left - MARGIN.right
  const plotH = height - MARGIN.top - MARGIN.bottom
  const tx = options.xLog === true ? (value: number) => Math.log10(Math.max(value, 1e-9)) : (value: number) => value
  const xs = x.map(tx)
  const xMin = Math.min(...xs, ...options.xTicks.map(([value]) => tx(value)))
  const xMax = Math.max(...xs)
  let yMin = Math.min(...values)
  let yMax = Math.max(...values)
  const pad = (yMax - yMin) * 0.08 || 1
  yMin = Math.max(yMin >= 0 ? 0 : -Infinity, yMin - pad)
  yMax += pad
  const yTicks = niceTicks(yMin, yMax, 4)
  yMin = Math.min(yMin, yTicks[0] ?? yMin)
  yMax = Math.max(yMax, yTicks.at(-1) ?? yMax)
  const px = (value: number) => MARGIN.left + (xMax === xMin ? plotW / 2 : (tx(value) - xMin) / (xMax - xMin) * plotW)
  const py = (value: number) => MARGIN.top + plotH - (yMax === yMin ? plotH / 2 : (value - yMin) / (yMax - yMin) * plotH)

  const grid = s('g', { class: 'grid' })
  for (const tick of yTicks) {
    grid.append(s('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: py(tick), y2: py(tick) }))
    grid.append(s('text', { x: MARGIN.left - 8, y: py(tick) + 4, 'text-anchor': 'end' }, tick.toFixed(options.yDigits ?? (Math.abs(yMax - yMin) < 5 ? 1 : 0))))
  }
  // On a narrow chart, a label too close to the previous one is left out (its grid line stays).
  let lastLabelEnd = -Infinity
  for (const [value, label] of options.xTicks) {
    if (tx(value) < xMin - 1e-9 || tx(value) > xMax + 1e-9) continue
    grid.append(s('line', { class: 'vertical', x1: px(value), x2: px(value), y1: MARGIN.top, y2: MARGIN.top + plotH }))
    const halfWidth = label.length * LABEL_CHAR_PX / 2
    if (px(value) - halfWidth < lastLabelEnd + 6 || px(value) + halfWidth > width) continue
    lastLabelEnd = px(value) + halfWidth
    grid.append(s('text', { x: px(value), y: height - 6, 'text-anchor': 'middle' }, label))
  }
  grid.append(s('text', { class: 'axis-title', x: 4, y: 10, 'text-anchor': 'start' }, options.yTitle))
  parts.push(grid)

  let line = ''
  let area = ''
  let segmentStart: number | null = null
  x.forEach((xValue, index) => {
    const value = y[index]
    if (value == null || !Number.isFinite(value)) {
      if (segmentStart !== null && options.area === true) area += `L${px(x[index - 1] ?? xValue).toFixed(1)},${py(yMin).toFixed(1)}Z`
      segmentStart = null
      return
    }
    const point = `${px(xValue).toFixed(1)},${py(value).toFixed(1)}`
    if (segmentStart === null) {
      line += `M${point}`
      if (options.area === true) area += `M${px(xValue).toFixed(1)},${py(yMin).toFixed(1)}L${point}`
      segmentStart = index
    } else {
      line += `L${point}`
      if (options.area === true) area += `L${point}`
    }
  })
  if (segmentStart !== null && options.area === true) area += `L${px(x.at(-1) ?? 0).toFixed(1)},${py(yMin).toFixed(1)}Z`
  if (area !== '') parts.push(s('path', { class: 'area', d: area, fill: options.color }))
  parts.push(s('path', { class: 'line', d: line, stroke: options.color }))
  if (options.dots === true) {
    const dots = s('g', { fill: options.color })
    x.forEach((xValue, index) => {
      const value = y[index]
      if (value != null) dots.append(s('circle', { cx: px(xValue), cy: py(value), r: 2.6 }))
    })
    parts.push(dots)
  }
  return parts
}

/** Time ticks for `seconds` elapsed: every 5, 10, 15, 30 or 60 minutes, labelled h:mm. */
export function elapsedTicks (totalSeconds: number): Array<[number, string]> {
  const step = [60, 300, 600, 900, 1800, 3600, 7200].find(candidate => totalSeconds / candidate <= 8) ?? 7200
  const ticks: Array<[number, string]> = []
  for (let t = 0; t <= totalSeconds; t += step) {
    const hours = Math.floor(t / 3600)
    const minutes = Math.floor((t % 3600) / 60)
    ticks.push([t, `${hours}:${String(minutes).padStart(2, '0')}`])
  }
  return ticks
}

/** A legend entry: a colour swatch and a label. */
export function legend (items: Array<[color: string, label: string]>): HTMLElement {
  return h('ul', { class: 'legend' }, ...items.map(([color, label]) => h('li', {}, h('span', { class: 'swatch', style: `background:${color}` }), label)))
}
