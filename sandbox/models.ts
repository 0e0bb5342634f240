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
  given_name: string
  family_name: string
  email: string
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
