// Records as the API shows them to one caller: app metadata is the caller's application's own.
import type { ActivityDetails, ActivitySummary, TestDetails, TestSummary, TraceDetails } from './models.ts'
import type { TestRecord, TraceRecord } from './records.ts'
import { toSummary } from './seed.ts'
import type { SandboxState } from './state.ts'
import { formatUtc, localNaive } from './time.ts'

export interface Viewer {
  userId: string
  clientId: string | null
}

export function activitiesOf (state: SandboxState, userId: string): ActivityDetails[] {
  let list = state.activities.get(userId)
  if (list === undefined) state.activities.set(userId, list = [])
  return list
}

export function tracesOf (state: SandboxState, userId: string): TraceRecord[] {
  let list = state.traces.get(userId)
  if (list === undefined) state.traces.set(userId, list = [])
  return list
}

export function testsOf (state: SandboxState, userId: string): TestRecord[] {
  let list = state.tests.get(userId)
  if (list === undefined) state.tests.set(userId, list = [])
  return list
}

/** Inserts keeping a newest-first list sorted. */
export function insertNewestFirst<T> (list: T[], item: T, timeOf: (item: T) => number): void {
  const at = list.findIndex((other) => timeOf(other) < timeOf(item))
  if (at < 0) list.push(item)
  else list.splice(at, 0, item)
}

export function activityView (state: SandboxState, viewer: Viewer, activity: ActivityDetails): ActivityDetails {
  return { ...activity, app_metadata: state.appMetadata.get(viewer.clientId, 'activity', viewer.userId, activity.id) }
}

export function activitySummaryView (state: SandboxState, viewer: Viewer, activity: ActivityDetails): ActivitySummary {
  return toSummary(activityView(state, viewer, activity))
}

export function testSummaryView (state: SandboxState, viewer: Viewer, test: TestRecord): TestSummary {
  return {
    tags: test.tags,
    id: test.id,
    created_by: test.createdBy,
    title: test.title,
    sport: test.sport,
    start: formatUtc(test.startMs),
    end: test.endMs === null ? null : formatUtc(test.endMs),
    results: test.results,
    app_metadata: state.appMetadata.get(viewer.clientId, 'test', viewer.userId, test.id),
    start_local: localNaive(test.startMs),
    end_local: test.endMs === null ? null : localNaive(test.endMs),
  }
}

function testWindowContains (test: TestRecord, ms: number): boolean {
  return ms >= test.startMs && ms <= (test.endMs ?? test.startMs)
}

export function traceView (state: SandboxState, viewer: Viewer, trace: TraceRecord): TraceDetails {
  const activity = activitiesOf(state, viewer.userId).find((candidate) => Date.parse(candidate.start) <= trace.timestampMs && trace.timestampMs <= Date.parse(candidate.end))
  const tests = testsOf(state, viewer.userId)
  const explicit = trace.testId === null ? undefined : tests.find((test) => test.id === trace.testId)
  const windowed = explicit === undefined ? tests.find((test) => testWindowContains(test, trace.timestampMs)) : undefined
  const test = explicit ?? windowed
  return {
    tags: trace.tags,
    id: trace.id,
    test_id: trace.testId,
    timestamp: formatUtc(trace.timestampMs),
    lactate: trace.lactate,
    rpe: trace.rpe,
    notes: trace.notes,
    power: trace.power,
    speed: trace.speed,
    heart_rate: trace.heartRate,
    vo2: trace.vo2,
    lap: null,
    activity: activity === undefined ? null : activitySummaryView(state, viewer, activity),
    test: test === undefined ? null : testSummaryView(state, viewer, test),
    test_match: explicit !== undefined ? 'explicit' : windowed !== undefined ? 'window' : null,
    sport: trace.sport,
    app_metadata: state.appMetadata.get(viewer.clientId, 'trace', viewer.userId, trace.id),
    timestamp_local: localNaive(trace.timestampMs),
  }
}

/** A test with its traces (`auto`: linked or inside its time window; `linked`: linked only) and overlapping activities. */
export function testDetailsView (state: SandboxState, viewer: Viewer, test: TestRecord, traces: 'auto' | 'linked'): TestDetails {
  const { start_local: startLocal, end_local: endLocal, ...summary } = testSummaryView(state, viewer, test)
  const endMs = test.endMs ?? test.startMs
  const matching = tracesOf(state, viewer.userId).filter((trace) => trace.testId === test.id ||
    (traces === 'auto' && trace.testId === null && testWindowContains(test, trace.timestampMs)))
  const overlapping = activitiesOf(state, viewer.userId).filter((activity) => Date.parse(activity.start) <= endMs && Date.parse(activity.end) >= test.startMs)
  return {
    ...summary,
    traces: matching.map((trace) => traceView(state, viewer, trace)),
    activities: overlapping.map((activity) => activitySummaryView(state, viewer, activity)),
    start_local: startLocal,
    end_local: endLocal,
  }
}
