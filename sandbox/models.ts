// JSON shapes of SweatStack's API (reference §3.3, §3.7), field order as the server sends them.

export interface MeanMax { mean?: number, max?: number }
export interface MeanMinMax { mean?: number, min?: number, max?: number, start?: number, end?: number }
export interface DistanceSummary { sum?: number }
export interface AltitudeSummary { mean?: number, gain?: number, loss?: number, min?: number, max?: number }

export interface ActivitySummarySummary {
  power?: MeanMax
  speed?: MeanMax
  distance?: DistanceSummary
  altitude?: AltitudeSummary
  heart_rate?: MeanMinMax
  cadence?: MeanMax
  temperature?: MeanMinMax
}

export interface ActivitySummary {
  tags: string[] | null
  id: string
  sport: string
  start: string
  end: string
  metrics: string[]
  source_id: string
  summary: ActivitySummarySummary | null
  laps: null
  traces: null
  app_metadata: Record<string, unknown> | null
  duration: string
  start_local: string
  end_local: string
}

export interface ActivityDetails extends ActivitySummary {
  distance: number | null
  devices: string[] | null
}

export interface UserInfoResponse {
  sub: string
  name: string
  given_name: string | null
  family_name: string | null
  email: string | null
  registered_at: string
  issue: null
}

export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
  scope: string
  id_token: null
}

export type JsonObject = Record<string, unknown>

export interface Marker { power?: number | null, speed?: number | null, heart_rate?: number | null, lactate?: number | null, vo2?: number | null }

export interface TestSummary {
  tags: string[] | null
  id: string
  created_by: string | null
  title: string | null
  sport: string
  start: string
  end: string | null
  results: JsonObject | null
  app_metadata: JsonObject | null
  start_local: string
  end_local: string | null
}

export interface TestDetails extends TestSummary {
  traces: TraceDetails[] | null
  activities: ActivitySummary[] | null
}

export interface TraceDetails {
  tags: string[] | null
  id: string
  test_id: string | null
  timestamp: string
  lactate: number | null
  rpe: number | null
  notes: string | null
  power: number | null
  speed: number | null
  heart_rate: number | null
  vo2: number | null
  lap: null
  activity: ActivitySummary | null
  test: TestSummary | null
  test_match: 'explicit' | 'window' | null
  sport: string | null
  app_metadata: JsonObject | null
  timestamp_local: string
}

export interface SourceResponse {
  id: string
  type: string | null
  origin: string
  filename: string | null
  status: 'processing' | 'processed' | 'failed'
  error: { code: string, message: string | null } | null
  activity_ids: string[]
  created_at: string
}

export interface DailyResponse {
  date: string
  value: number | null
  status: 'stored' | 'estimated' | 'missing'
  source: string | null
}

export interface UserSummary {
  id: string
  first_name: string | null
  last_name: string | null
  scopes: string[]
  display_name: string
  is_managed: boolean
}

export interface UserResponse {
  id: string
  first_name: string | null
  last_name: string | null
  admin: boolean
  registered_at: string
  display_name: string
  is_managed: boolean
}
