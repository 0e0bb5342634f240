// Generated from openapi/sweatstack.json by scripts/generate-schemas.ts: do not edit; run `npm run schemas`.
/* eslint-disable */
import { Type } from 'typebox'
import type { Static } from 'typebox'

export const Sport = Type.String({"description":"An OpenSportTaxonomy (OST) sport string `code(.sub)*(+modifier)*`, modifiers sorted alphabetically (`SweatStack/open-sport-taxonomy:docs/taxonomy.md`). An open string: a sport newer than a client's taxonomy must be preserved. As a filter it is hierarchical: a parent (`cycling`) also matches its sub-sports. Codes: `alpine_skiing`, `cycling` (`.cyclocross`, `.gravel`, `.mountain`, `.road`, `.time_trial`, `.track`), `generic`, `hand_cycling`, `rowing`, `running` (`.road`, `.track`, `.trail`), `snowboarding`, `swimming` (`.open_water`, `.pool`), `walking` (`.hiking`), `xc_skiing` (`.classic`, `.double_poling`, `.skate`). Modifiers: `assisted`, `roller`, `stationary`, `virtual` (independent); purpose (at most one): `commute`, `leisure`, `race`, `test`, `training`; company (at most one): `group`, `solo`. `examples` lists the 39 standard sports of the OST 0.10.0 catalogue. Migration: `cycling.trainer→cycling+stationary`, `running.treadmill→running+stationary`, `rowing.ergometer→rowing+stationary`, `cycling.tt→cycling.time_trial`, `cycling.mountainbike→cycling.mountain`, `cross_country_skiing→xc_skiing`, `unknown→generic`.","pattern":"^[a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*(?:\\+[a-z][a-z_]*)*$","examples":["alpine_skiing","cycling","cycling+assisted","cycling+commute","cycling+stationary","cycling+stationary+virtual","cycling.cyclocross","cycling.gravel","cycling.mountain","cycling.mountain+assisted","cycling.road","cycling.time_trial","cycling.track","generic","hand_cycling","rowing","rowing+stationary","rowing+stationary+virtual","running","running+race","running+stationary","running+stationary+virtual","running.road","running.track","running.trail","snowboarding","swimming","swimming.open_water","swimming.pool","walking","walking+stationary","walking.hiking","xc_skiing","xc_skiing+roller","xc_skiing.classic","xc_skiing.classic+roller","xc_skiing.double_poling","xc_skiing.skate","xc_skiing.skate+roller"],"$id":"Sport"})
export type Sport = Static<typeof Sport>
export const Metric = Type.String({"description":"A data stream / metric. Units: power W, heart_rate bpm, speed m/s, cadence rpm/spm, altitude m, temperature °C, core_temperature °C, smo2 %, distance m, latitude/longitude degrees.","examples":["duration","lap","power","speed","heart_rate","respiration_rate","smo2","core_temperature","elevation","altitude","cadence","temperature","distance","longitude","latitude","lactate","rpe","notes"],"$id":"Metric"})
export type Metric = Static<typeof Metric>
export const Scope = Type.String({"description":"An OAuth scope. `data:read` read user data; `data:write` write and delete (no read); `profile` profile information; `openid` currently unused by SweatStack; `offline_access` refresh token for public clients; `admin` internal.","examples":["data:read","data:write","admin","openid","profile","offline_access"],"$id":"Scope"})
export type Scope = Static<typeof Scope>
export const DailyMeasure = Type.String({"description":"A daily measure. Units and accepted ranges: body_mass kg 0–500, body_fat_pct % 0–100, resting_hr bpm 0–250, hrv ms 0–500, sleep_duration s 0–86400, sleep_altitude m 0–10000, menstrual_cycle_day 0–100.","examples":["body_mass","body_fat_pct","resting_hr","hrv","sleep_duration","sleep_altitude","menstrual_cycle_day"],"$id":"DailyMeasure"})
export type DailyMeasure = Static<typeof DailyMeasure>
export const DailySource = Type.Enum(["manual","garmin_connect","intervals_icu","wahoo"], {"description":"Where a daily value (or marker) came from. Older docs examples show `\"source\": \"user\"` (an older shape).","$id":"DailySource","type":"string"})
export type DailySource = Static<typeof DailySource>
export const DailyStatus = Type.Enum(["stored","estimated","missing"], {"description":"`stored`: a stored value; `estimated`: interpolated; `missing`: no value (`value` is null; only with `interpolate=false` or where a measure is not interpolated).","$id":"DailyStatus","type":"string"})
export type DailyStatus = Static<typeof DailyStatus>
export const Capability = Type.String({"description":"A capability an application declares it uses; account-status issues are reported only for declared capabilities.","examples":["activities","activity_history","dailies","workouts"],"$id":"Capability"})
export type Capability = Static<typeof Capability>
export const CapabilityStatus = Type.Enum(["ready","syncing","action_required","unavailable"], {"description":"Status of one capability (closed by contract).","$id":"CapabilityStatus","type":"string"})
export type CapabilityStatus = Static<typeof CapabilityStatus>
export const IssueStatus = Type.Enum(["action_required","syncing"], {"description":"Status of an account-status issue.","$id":"IssueStatus","type":"string"})
export type IssueStatus = Static<typeof IssueStatus>
export const StatusIssueCode = Type.String({"description":"Machine-readable code of an account-status issue (beta).","examples":["no_source_connected","activities_not_granted","activities_blocked_upstream","activity_history_not_granted","dailies_not_granted","dailies_no_source","workouts_not_granted","workouts_no_source","sync_pending"],"$id":"StatusIssueCode"})
export type StatusIssueCode = Static<typeof StatusIssueCode>
export const PortalDestination = Type.String({"description":"A SweatStack Portal page an app can send its user to.","examples":["manage-teams","manage-integrations"],"$id":"PortalDestination"})
export type PortalDestination = Static<typeof PortalDestination>
export const TraceResolution = Type.Enum(["auto","linked"], {"description":"Which traces `GET /api/v1/tests/{test_id}` returns: `auto` (default) or only explicitly `linked` ones.","$id":"TraceResolution","type":"string"})
export type TraceResolution = Static<typeof TraceResolution>
export const TestMatch = Type.Enum(["explicit","window"], {"description":"How a trace was matched to its test: `explicit` (`test_id` set) or by time `window`.","$id":"TestMatch","type":"string"})
export type TestMatch = Static<typeof TestMatch>
export const ApplicationMemberRole = Type.Enum(["owner","member"], {"description":"Your role in a team (application).","$id":"ApplicationMemberRole","type":"string"})
export type ApplicationMemberRole = Static<typeof ApplicationMemberRole>
export const GrantType = Type.Enum(["authorization_code","refresh_token"], {"description":"OAuth grant type. Only these two; no `client_credentials`.","$id":"GrantType","type":"string"})
export type GrantType = Static<typeof GrantType>
export const Prompt = Type.Enum(["none","login","consent","select_account"], {"description":"OAuth `prompt`. Server default `consent`.","$id":"Prompt","type":"string"})
export type Prompt = Static<typeof Prompt>
export const UserFlow = Type.Enum(["session","signup","login"], {"description":"SweatStack-specific sign-in flow selector for `/oauth/authorize`.","$id":"UserFlow","type":"string"})
export type UserFlow = Static<typeof UserFlow>
export const EmailAuthMode = Type.Enum(["enabled","existing_only"], {"description":"SweatStack-specific: whether e-mail sign-in may create accounts (`enabled`) or only sign in existing ones.","$id":"EmailAuthMode","type":"string"})
export type EmailAuthMode = Static<typeof EmailAuthMode>
export const IntegrationName = Type.Enum(["garmin_connect","intervals_icu","wahoo"], {"description":"A wearable integration (SweatStack Connect).","$id":"IntegrationName","type":"string"})
export type IntegrationName = Static<typeof IntegrationName>
export const SourceOrigin = Type.String({"description":"Where an uploaded/imported source came from. The server's `SourceResponse.origin` is typed as a plain string; the server's `SourceOrigin` enum has the values `manual_upload`, `garmin_connect`, `intervals_icu`, `wahoo`.","examples":["manual_upload","garmin_connect","intervals_icu","wahoo"],"$id":"SourceOrigin"})
export type SourceOrigin = Static<typeof SourceOrigin>
export const SourceStatus = Type.String({"description":"Processing status of a source. The server's `SourceResponse.status` is typed as a plain string; the server's `SourceStatus` enum has the values `processing` (initial), `processed`, `failed`.","examples":["processing","processed","failed"],"$id":"SourceStatus"})
export type SourceStatus = Static<typeof SourceStatus>
export const WebhookEventType = Type.Enum(["activity_created","activity_updated","activity_deleted","test_created","test_updated","test_deleted","source_processed","source_failed"], {"description":"Webhook event type. `source_processed`/`source_failed` are in the OpenAPI enum but not in the docs.","$id":"WebhookEventType","type":"string"})
export type WebhookEventType = Static<typeof WebhookEventType>
export const ActivitySummary = Type.Object({ "tags": Type.Optional(Type.Union([Type.Array(Type.String(), {"description":"Tags on the activity."}), Type.Null()])), "id": Type.String({"description":"Activity id (ULID)."}), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String({"format":"date-time","description":"Start (UTC)."}), "end": Type.String({"format":"date-time","description":"End (UTC)."}), "metrics": Type.Array(Type.Unsafe<Static<typeof Metric>>({ $ref: 'Metric' }), {"description":"Metrics (streams) available for this activity."}), "source_id": Type.String({"description":"Id of the source (uploaded/imported file) the activity came from."}), "summary": Type.Optional(Type.Union([Type.Unsafe<Static<typeof ActivitySummarySummary>>({ $ref: 'ActivitySummarySummary' }), Type.Null()])), "laps": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof Lap>>({ $ref: 'Lap' })), Type.Null()])), "traces": Type.Optional(Type.Union([Type.Array(Type.Unsafe<unknown>({ $ref: 'TraceDetails' }), {"description":"Traces (lactate, RPE, … measurements) within the activity."}), Type.Null()])), "app_metadata": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }), Type.Null()], {"description":"This application's metadata on the activity; `null` unless read with the writing app's token."})), "duration": Type.String({"format":"duration","description":"Duration (Python `timedelta`)."}), "start_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Start as naive local wall-clock time (no offset)."}), "end_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"End as naive local wall-clock time (no offset)."}) }, {"description":"An activity as listed by `GET /api/v1/activities/`.","examples":[{"tags":["intervals"],"id":"01JV7Q4ZK8W3N5T2B6X9C0D1EF","sport":"cycling.road","start":"2026-05-18T15:32:00Z","end":"2026-05-18T17:02:41Z","metrics":["duration","lap","power","speed","heart_rate","cadence","distance","altitude","latitude","longitude"],"source_id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","summary":{"power":{"mean":212.4,"max":876},"heart_rate":{"mean":148.2,"min":92,"max":181,"start":95,"end":121},"distance":{"sum":61234.5}},"laps":[{"power":{"mean":301.5,"max":402},"heart_rate":{"mean":166,"min":141,"max":178,"start":141,"end":177},"start":"2026-05-18T16:02:00Z","end":"2026-05-18T16:10:00Z","duration":"PT8M","start_local":"2026-05-18T18:02:00","end_local":"2026-05-18T18:10:00"}],"traces":null,"app_metadata":null,"duration":"PT1H30M41S","start_local":"2026-05-18T17:32:00","end_local":"2026-05-18T19:02:41"}],"$id":"ActivitySummary"})
export type ActivitySummary = Static<typeof ActivitySummary>
export const ActivityDetails = Type.Object({ "tags": Type.Optional(Type.Union([Type.Array(Type.String(), {"description":"Tags on the activity."}), Type.Null()])), "id": Type.String({"description":"Activity id (ULID)."}), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String({"format":"date-time","description":"Start (UTC)."}), "end": Type.String({"format":"date-time","description":"End (UTC)."}), "metrics": Type.Array(Type.Unsafe<Static<typeof Metric>>({ $ref: 'Metric' }), {"description":"Metrics (streams) available for this activity."}), "source_id": Type.String({"description":"Id of the source (uploaded/imported file) the activity came from."}), "summary": Type.Optional(Type.Union([Type.Unsafe<Static<typeof ActivitySummarySummary>>({ $ref: 'ActivitySummarySummary' }), Type.Null()])), "laps": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof Lap>>({ $ref: 'Lap' })), Type.Null()])), "traces": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof TraceDetails>>({ $ref: 'TraceDetails' }), {"description":"Traces (lactate, RPE, … measurements) within the activity."}), Type.Null()])), "app_metadata": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }), Type.Null()], {"description":"This application's metadata on the activity; `null` unless read with the writing app's token."})), "distance": Type.Optional(Type.Union([Type.Number({"description":"Distance (m)."}), Type.Null()])), "devices": Type.Optional(Type.Union([Type.Array(Type.String(), {"description":"Recording devices."}), Type.Null()])), "duration": Type.String({"format":"duration","description":"Duration (Python `timedelta`)."}), "start_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Start as naive local wall-clock time (no offset)."}), "end_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"End as naive local wall-clock time (no offset)."}) }, {"description":"An activity with details (`ActivitySummary` + `distance`, `devices`).","examples":[{"tags":["intervals"],"id":"01JV7Q4ZK8W3N5T2B6X9C0D1EF","sport":"cycling.road","start":"2026-05-18T15:32:00Z","end":"2026-05-18T17:02:41Z","metrics":["duration","lap","power","speed","heart_rate","cadence","distance","altitude","latitude","longitude"],"source_id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","summary":{"power":{"mean":212.4,"max":876},"heart_rate":{"mean":148.2,"min":92,"max":181,"start":95,"end":121},"distance":{"sum":61234.5}},"laps":[{"power":{"mean":301.5,"max":402},"heart_rate":{"mean":166,"min":141,"max":178,"start":141,"end":177},"start":"2026-05-18T16:02:00Z","end":"2026-05-18T16:10:00Z","duration":"PT8M","start_local":"2026-05-18T18:02:00","end_local":"2026-05-18T18:10:00"}],"traces":null,"app_metadata":null,"distance":61234.5,"devices":["Garmin Edge 840"],"duration":"PT1H30M41S","start_local":"2026-05-18T17:32:00","end_local":"2026-05-18T19:02:41"}],"$id":"ActivityDetails"})
export type ActivityDetails = Static<typeof ActivityDetails>
export const ActivitySummarySummary = Type.Object({ "power": Type.Optional(Type.Union([Type.Unsafe<Static<typeof PowerSummary>>({ $ref: 'PowerSummary' }), Type.Null()])), "speed": Type.Optional(Type.Union([Type.Unsafe<Static<typeof SpeedSummary>>({ $ref: 'SpeedSummary' }), Type.Null()])), "distance": Type.Optional(Type.Union([Type.Unsafe<Static<typeof DistanceSummary>>({ $ref: 'DistanceSummary' }), Type.Null()])), "altitude": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AltitudeSummary>>({ $ref: 'AltitudeSummary' }), Type.Null()])), "heart_rate": Type.Optional(Type.Union([Type.Unsafe<Static<typeof HeartRateSummary>>({ $ref: 'HeartRateSummary' }), Type.Null()])), "cadence": Type.Optional(Type.Union([Type.Unsafe<Static<typeof CadenceSummary>>({ $ref: 'CadenceSummary' }), Type.Null()])), "temperature": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TemperatureSummary>>({ $ref: 'TemperatureSummary' }), Type.Null()])), "core_temperature": Type.Optional(Type.Union([Type.Unsafe<Static<typeof CoreTemperatureSummary>>({ $ref: 'CoreTemperatureSummary' }), Type.Null()])), "smo2": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Smo2Summary>>({ $ref: 'Smo2Summary' }), Type.Null()])) }, {"description":"Per-metric summaries of an activity (all optional).","examples":[{"power":{"mean":212.4,"max":876},"heart_rate":{"mean":148.2,"min":92,"max":181,"start":95,"end":121},"distance":{"sum":61234.5}}],"$id":"ActivitySummarySummary"})
export type ActivitySummarySummary = Static<typeof ActivitySummarySummary>
export const PowerSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (W)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (W)."}), Type.Null()])) }, {"description":"Power summary (W).","$id":"PowerSummary"})
export type PowerSummary = Static<typeof PowerSummary>
export const SpeedSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (m/s)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (m/s)."}), Type.Null()])) }, {"description":"Speed summary (m/s).","$id":"SpeedSummary"})
export type SpeedSummary = Static<typeof SpeedSummary>
export const CadenceSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (rpm or spm)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (rpm or spm)."}), Type.Null()])) }, {"description":"Cadence summary (rpm or spm).","$id":"CadenceSummary"})
export type CadenceSummary = Static<typeof CadenceSummary>
export const HeartRateSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (bpm)."}), Type.Null()])), "min": Type.Optional(Type.Union([Type.Number({"description":"Minimum (bpm)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (bpm)."}), Type.Null()])), "start": Type.Optional(Type.Union([Type.Number({"description":"Value at the start (bpm)."}), Type.Null()])), "end": Type.Optional(Type.Union([Type.Number({"description":"Value at the end (bpm)."}), Type.Null()])) }, {"description":"HeartRate summary (bpm).","$id":"HeartRateSummary"})
export type HeartRateSummary = Static<typeof HeartRateSummary>
export const TemperatureSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (°C)."}), Type.Null()])), "min": Type.Optional(Type.Union([Type.Number({"description":"Minimum (°C)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (°C)."}), Type.Null()])), "start": Type.Optional(Type.Union([Type.Number({"description":"Value at the start (°C)."}), Type.Null()])), "end": Type.Optional(Type.Union([Type.Number({"description":"Value at the end (°C)."}), Type.Null()])) }, {"description":"Temperature summary (°C).","$id":"TemperatureSummary"})
export type TemperatureSummary = Static<typeof TemperatureSummary>
export const CoreTemperatureSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (°C)."}), Type.Null()])), "min": Type.Optional(Type.Union([Type.Number({"description":"Minimum (°C)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (°C)."}), Type.Null()])), "start": Type.Optional(Type.Union([Type.Number({"description":"Value at the start (°C)."}), Type.Null()])), "end": Type.Optional(Type.Union([Type.Number({"description":"Value at the end (°C)."}), Type.Null()])) }, {"description":"CoreTemperature summary (°C).","$id":"CoreTemperatureSummary"})
export type CoreTemperatureSummary = Static<typeof CoreTemperatureSummary>
export const Smo2Summary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean (%)."}), Type.Null()])), "min": Type.Optional(Type.Union([Type.Number({"description":"Minimum (%)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum (%)."}), Type.Null()])), "start": Type.Optional(Type.Union([Type.Number({"description":"Value at the start (%)."}), Type.Null()])), "end": Type.Optional(Type.Union([Type.Number({"description":"Value at the end (%)."}), Type.Null()])) }, {"description":"Smo2 summary (%).","$id":"Smo2Summary"})
export type Smo2Summary = Static<typeof Smo2Summary>
export const DistanceSummary = Type.Object({ "sum": Type.Optional(Type.Union([Type.Number({"description":"Total distance (m)."}), Type.Null()])) }, {"description":"Distance summary (m).","$id":"DistanceSummary"})
export type DistanceSummary = Static<typeof DistanceSummary>
export const AltitudeSummary = Type.Object({ "mean": Type.Optional(Type.Union([Type.Number({"description":"Mean altitude (m)."}), Type.Null()])), "gain": Type.Optional(Type.Union([Type.Number({"description":"Total ascent (m)."}), Type.Null()])), "loss": Type.Optional(Type.Union([Type.Number({"description":"Total descent (m)."}), Type.Null()])), "min": Type.Optional(Type.Union([Type.Number({"description":"Minimum altitude (m)."}), Type.Null()])), "max": Type.Optional(Type.Union([Type.Number({"description":"Maximum altitude (m)."}), Type.Null()])) }, {"description":"Altitude summary (m).","$id":"AltitudeSummary"})
export type AltitudeSummary = Static<typeof AltitudeSummary>
export const Lap = Type.Object({ "power": Type.Optional(Type.Union([Type.Unsafe<Static<typeof PowerSummary>>({ $ref: 'PowerSummary' }), Type.Null()])), "speed": Type.Optional(Type.Union([Type.Unsafe<Static<typeof SpeedSummary>>({ $ref: 'SpeedSummary' }), Type.Null()])), "distance": Type.Optional(Type.Union([Type.Unsafe<Static<typeof DistanceSummary>>({ $ref: 'DistanceSummary' }), Type.Null()])), "altitude": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AltitudeSummary>>({ $ref: 'AltitudeSummary' }), Type.Null()])), "heart_rate": Type.Optional(Type.Union([Type.Unsafe<Static<typeof HeartRateSummary>>({ $ref: 'HeartRateSummary' }), Type.Null()])), "cadence": Type.Optional(Type.Union([Type.Unsafe<Static<typeof CadenceSummary>>({ $ref: 'CadenceSummary' }), Type.Null()])), "temperature": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TemperatureSummary>>({ $ref: 'TemperatureSummary' }), Type.Null()])), "core_temperature": Type.Optional(Type.Union([Type.Unsafe<Static<typeof CoreTemperatureSummary>>({ $ref: 'CoreTemperatureSummary' }), Type.Null()])), "smo2": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Smo2Summary>>({ $ref: 'Smo2Summary' }), Type.Null()])), "start": Type.String({"format":"date-time","description":"Offset-aware ISO 8601 date-time; responses use UTC `Z`."}), "end": Type.String({"format":"date-time","description":"Offset-aware ISO 8601 date-time; responses use UTC `Z`."}), "duration": Type.String({"format":"duration","description":"Duration (Python `timedelta`)."}), "start_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Naive local wall-clock time (no offset), e.g. `2026-05-18T17:32:00`."}), "end_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Naive local wall-clock time (no offset), e.g. `2026-05-18T17:32:00`."}) }, {"description":"A lap: the activity summary fields for the lap plus its time span.","examples":[{"power":{"mean":301.5,"max":402},"heart_rate":{"mean":166,"min":141,"max":178,"start":141,"end":177},"start":"2026-05-18T16:02:00Z","end":"2026-05-18T16:10:00Z","duration":"PT8M","start_local":"2026-05-18T18:02:00","end_local":"2026-05-18T18:10:00"}],"$id":"Lap"})
export type Lap = Static<typeof Lap>
export const BackfillStatus = Type.Object({ "backfill_loaded_until": Type.Union([Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})?$","description":"How far back history has been ingested: a timestamp, usually without an offset (e.g. `2021-09-27T00:56:34.667483`), sometimes with one; `null` before any history is loaded."}), Type.Null()]) }, {"description":"One line of the backfill-status stream.","examples":[{"backfill_loaded_until":"2021-09-27T00:56:34.667483"},{"backfill_loaded_until":"2026-01-01T00:00:00Z"},{"backfill_loaded_until":null}],"$id":"BackfillStatus"})
export type BackfillStatus = Static<typeof BackfillStatus>
export const SourceResponse = Type.Object({ "id": Type.String({"description":"Source id (ULID)."}), "type": Type.Union([Type.String({"description":"File type, e.g. `fit`, `csv`."}), Type.Null()]), "origin": Type.Unsafe<Static<typeof SourceOrigin>>({ $ref: 'SourceOrigin' }), "filename": Type.Union([Type.String({"description":"Uploaded file name."}), Type.Null()]), "status": Type.Unsafe<Static<typeof SourceStatus>>({ $ref: 'SourceStatus' }), "error": Type.Optional(Type.Union([Type.Unsafe<Static<typeof SourceError>>({ $ref: 'SourceError' }), Type.Null()])), "activity_ids": Type.Array(Type.String(), {"description":"Activities created from this source (empty while processing)."}), "created_at": Type.String({"format":"date-time","description":"When the source was received (UTC)."}) }, {"description":"An uploaded or imported source file.","examples":[{"id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","type":"fit","origin":"manual_upload","filename":"2026-05-18-ride.fit","status":"processing","error":null,"activity_ids":[],"created_at":"2026-05-18T19:10:04Z"}],"$id":"SourceResponse"})
export type SourceResponse = Static<typeof SourceResponse>
export const SourceError = Type.Object({ "code": Type.String({"description":"Error code."}), "message": Type.Optional(Type.Union([Type.String({"description":"Human-readable message."}), Type.Null()])) }, {"description":"Why processing a source failed.","$id":"SourceError"})
export type SourceError = Static<typeof SourceError>
export const UploadResponse = Type.Object({ "sources": Type.Array(Type.Unsafe<Static<typeof SourceResponse>>({ $ref: 'SourceResponse' })) }, {"description":"Result of an upload: one source per file, status starts `processing`.","examples":[{"sources":[{"id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","type":"fit","origin":"manual_upload","filename":"2026-05-18-ride.fit","status":"processing","error":null,"activity_ids":[],"created_at":"2026-05-18T19:10:04Z"}]}],"$id":"UploadResponse"})
export type UploadResponse = Static<typeof UploadResponse>
export const TraceDetails = Type.Object({ "tags": Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])), "id": Type.String({"description":"Trace id (ULID)."}), "test_id": Type.Optional(Type.Union([Type.String({"description":"Explicitly linked test, if any."}), Type.Null()])), "timestamp": Type.String({"format":"date-time","description":"When the measurement was taken (UTC)."}), "lactate": Type.Optional(Type.Union([Type.Number({"description":"Blood lactate (mmol/L)."}), Type.Null()])), "rpe": Type.Optional(Type.Union([Type.Integer({"description":"Rating of perceived exertion."}), Type.Null()])), "notes": Type.Optional(Type.Union([Type.String({"description":"Free-text notes."}), Type.Null()])), "power": Type.Optional(Type.Union([Type.Integer({"minimum":0,"description":"Power (W)."}), Type.Null()])), "speed": Type.Optional(Type.Union([Type.Number({"minimum":0,"description":"Speed (m/s)."}), Type.Null()])), "heart_rate": Type.Optional(Type.Union([Type.Integer({"minimum":0,"description":"Heart rate (bpm)."}), Type.Null()])), "vo2": Type.Optional(Type.Union([Type.Number({"minimum":0,"description":"Oxygen uptake (mL/min)."}), Type.Null()])), "lap": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Lap>>({ $ref: 'Lap' }), Type.Null()], {"description":"The lap containing the trace, if any."})), "activity": Type.Optional(Type.Union([Type.Unsafe<unknown>({ $ref: 'ActivitySummary' }), Type.Null()], {"description":"The activity containing the trace, if any."})), "test": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TestSummary>>({ $ref: 'TestSummary' }), Type.Null()], {"description":"The test this trace belongs to, if any."})), "test_match": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TestMatch>>({ $ref: 'TestMatch' }), Type.Null()])), "sport": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), Type.Null()])), "app_metadata": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }), Type.Null()], {"description":"This application's metadata on the trace; `null` unless read with the writing app's token."})), "timestamp_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Timestamp as naive local wall-clock time."}) }, {"description":"A trace: a point measurement (lactate, RPE, notes, power, …) at a moment in time.","examples":[{"tags":["step-test"],"id":"01JV8A2B3C4D5E6F7G8H9J0K1M","test_id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","timestamp":"2026-05-18T16:10:00Z","lactate":2.4,"rpe":6,"notes":"End of step 4","power":280,"speed":null,"heart_rate":162,"vo2":null,"lap":null,"activity":null,"test":null,"test_match":"explicit","sport":"cycling","app_metadata":null,"timestamp_local":"2026-05-18T18:10:00"}],"$id":"TraceDetails"})
export type TraceDetails = Static<typeof TraceDetails>
export const TraceCreateOrUpdate = Type.Object({ "timestamp": Type.String({"format":"date-time","description":"When the measurement was taken; must carry an offset (a naive timestamp is rejected with 422)."}), "test_id": Type.Optional(Type.Union([Type.String({"description":"Link to a test; unknown id → 404. Omitted or `null` on PUT clears the link."}), Type.Null()])), "lactate": Type.Optional(Type.Union([Type.Number({"description":"Blood lactate (mmol/L)."}), Type.Null()])), "rpe": Type.Optional(Type.Union([Type.Integer({"description":"Rating of perceived exertion."}), Type.Null()])), "notes": Type.Optional(Type.Union([Type.String({"description":"Free-text notes."}), Type.Null()])), "power": Type.Optional(Type.Union([Type.Integer({"minimum":0,"description":"Power (W)."}), Type.Null()])), "speed": Type.Optional(Type.Union([Type.Number({"minimum":0,"description":"Speed (m/s)."}), Type.Null()])), "heart_rate": Type.Optional(Type.Union([Type.Integer({"minimum":0,"description":"Heart rate (bpm)."}), Type.Null()])), "vo2": Type.Optional(Type.Union([Type.Number({"minimum":0,"description":"Oxygen uptake (mL/min)."}), Type.Null()])), "tags": Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])), "sport": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), Type.Null()])) }, {"description":"Body of `POST /api/v1/traces/` and `PUT /api/v1/traces/{trace_id}` (full replace: omitted fields are cleared).","examples":[{"timestamp":"2026-05-18T16:10:00Z","test_id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","lactate":2.4,"rpe":6,"notes":"End of step 4","power":280,"speed":null,"heart_rate":162,"vo2":null,"tags":["step-test"],"sport":"cycling"}],"$id":"TraceCreateOrUpdate"})
export type TraceCreateOrUpdate = Static<typeof TraceCreateOrUpdate>
export const TestResults = Type.Object({ "first_threshold": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "second_threshold": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "fatmax": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "lt1": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "lt2": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "vt1": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "vt2": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "mlss": Type.Optional(Type.Union([Type.Unsafe<Static<typeof Marker>>({ $ref: 'Marker' }), Type.Null()])), "vo2max": Type.Optional(Type.Union([Type.Number({"description":"VO2max (mL/min)."}), Type.Null()])), "vo2peak": Type.Optional(Type.Union([Type.Number({"description":"VO2peak (mL/min)."}), Type.Null()])), "vlamax": Type.Optional(Type.Union([Type.Number({"description":"VLamax (mmol/L/s)."}), Type.Null()])), "heart_rate_max": Type.Optional(Type.Union([Type.Integer({"description":"Maximum heart rate (bpm)."}), Type.Null()])), "critical_power": Type.Optional(Type.Union([Type.Integer({"description":"Critical power (W)."}), Type.Null()])), "critical_speed": Type.Optional(Type.Union([Type.Number({"description":"Critical speed (m/s)."}), Type.Null()])), "w_prime": Type.Optional(Type.Union([Type.Number({"description":"W′ (kJ)."}), Type.Null()])), "d_prime": Type.Optional(Type.Union([Type.Number({"description":"D′ (m)."}), Type.Null()])), "economy": Type.Optional(Type.Union([Type.Number({"description":"Economy (mL O₂/kg/km)."}), Type.Null()])), "efficiency": Type.Optional(Type.Union([Type.Number({"description":"Efficiency (%)."}), Type.Null()])) }, {"description":"Results of a physiological test (all optional).","examples":[{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188}],"$id":"TestResults"})
export type TestResults = Static<typeof TestResults>
export const Marker = Type.Object({ "power": Type.Optional(Type.Union([Type.Integer({"description":"Power (W)."}), Type.Null()])), "speed": Type.Optional(Type.Union([Type.Number({"description":"Speed (m/s)."}), Type.Null()])), "heart_rate": Type.Optional(Type.Union([Type.Integer({"description":"Heart rate (bpm)."}), Type.Null()])), "lactate": Type.Optional(Type.Union([Type.Number({"description":"Blood lactate (mmol/L)."}), Type.Null()])), "vo2": Type.Optional(Type.Union([Type.Number({"description":"Oxygen uptake (mL/min)."}), Type.Null()])) }, {"description":"A physiological marker (threshold) expressed in several quantities.","$id":"Marker"})
export type Marker = Static<typeof Marker>
export const TestSummary = Type.Object({ "tags": Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])), "id": Type.String({"description":"Test id (ULID)."}), "created_by": Type.Optional(Type.Union([Type.String({"description":"Client id of the application that created the test (tests created with an app token can only be modified/deleted by that app)."}), Type.Null()])), "title": Type.Optional(Type.Union([Type.String(), Type.Null()])), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String({"format":"date-time","description":"Start (UTC)."}), "end": Type.Optional(Type.Union([Type.String({"format":"date-time","description":"End (UTC)."}), Type.Null()])), "results": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TestResults>>({ $ref: 'TestResults' }), Type.Null()])), "app_metadata": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }), Type.Null()], {"description":"This application's metadata on the test; `null` unless read with the writing app's token."})), "start_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Start as naive local wall-clock time."}), "end_local": Type.Union([Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"End as naive local wall-clock time; `null` when `end` is null."}), Type.Null()]) }, {"description":"A physiological test.","examples":[{"tags":["lab"],"id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","created_by":"01KJSZJG3Z4ETF7C195H0H6NCJ","title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"app_metadata":null,"start_local":"2026-05-18T17:30:00","end_local":"2026-05-18T18:45:00"}],"$id":"TestSummary"})
export type TestSummary = Static<typeof TestSummary>
export const TestDetails = Type.Object({ "tags": Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])), "id": Type.String({"description":"Test id (ULID)."}), "created_by": Type.Optional(Type.Union([Type.String({"description":"Client id of the application that created the test (tests created with an app token can only be modified/deleted by that app)."}), Type.Null()])), "title": Type.Optional(Type.Union([Type.String(), Type.Null()])), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String({"format":"date-time","description":"Start (UTC)."}), "end": Type.Optional(Type.Union([Type.String({"format":"date-time","description":"End (UTC)."}), Type.Null()])), "results": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TestResults>>({ $ref: 'TestResults' }), Type.Null()])), "app_metadata": Type.Optional(Type.Union([Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }), Type.Null()], {"description":"This application's metadata on the test; `null` unless read with the writing app's token."})), "traces": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof TraceDetails>>({ $ref: 'TraceDetails' }), {"description":"Traces of the test, per the `traces` query parameter (`auto` or `linked`)."}), Type.Null()])), "activities": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof ActivitySummary>>({ $ref: 'ActivitySummary' }), {"description":"Activities matched by time overlap."}), Type.Null()])), "start_local": Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"Start as naive local wall-clock time."}), "end_local": Type.Union([Type.String({"pattern":"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$","description":"End as naive local wall-clock time; `null` when `end` is null."}), Type.Null()]) }, {"description":"A test with its traces and overlapping activities.","examples":[{"tags":["lab"],"id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","created_by":"01KJSZJG3Z4ETF7C195H0H6NCJ","title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"app_metadata":null,"traces":[{"tags":["step-test"],"id":"01JV8A2B3C4D5E6F7G8H9J0K1M","test_id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","timestamp":"2026-05-18T16:10:00Z","lactate":2.4,"rpe":6,"notes":"End of step 4","power":280,"speed":null,"heart_rate":162,"vo2":null,"lap":null,"activity":null,"test":null,"test_match":"explicit","sport":"cycling","app_metadata":null,"timestamp_local":"2026-05-18T18:10:00"}],"activities":[],"start_local":"2026-05-18T17:30:00","end_local":"2026-05-18T18:45:00"}],"$id":"TestDetails"})
export type TestDetails = Static<typeof TestDetails>
export const TestCreate = Type.Object({ "title": Type.Optional(Type.Union([Type.String(), Type.Null()])), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String({"format":"date-time","description":"Start; must carry an offset (naive → 422)."}), "end": Type.Optional(Type.Union([Type.String({"format":"date-time","description":"End; must carry an offset. Defaults server-side to `start` + 3 h."}), Type.Null()])), "results": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TestResults>>({ $ref: 'TestResults' }), Type.Null()])), "tags": Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])) }, {"description":"Body of `POST /api/v1/tests/`.","examples":[{"title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"tags":["lab"]}],"$id":"TestCreate"})
export type TestCreate = Static<typeof TestCreate>
export const TestUpdate = Type.Object({ "title": Type.Optional(Type.Union([Type.String(), Type.Null()])), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String({"format":"date-time","description":"Start; must carry an offset (naive → 422)."}), "end": Type.Optional(Type.Union([Type.String({"format":"date-time","description":"End; must carry an offset."}), Type.Null()])), "results": Type.Optional(Type.Union([Type.Unsafe<Static<typeof TestResults>>({ $ref: 'TestResults' }), Type.Null()])), "tags": Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])) }, {"description":"Body of `PUT /api/v1/tests/{test_id}` — full replace: omitted fields are cleared.","examples":[{"title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"tags":["lab"]}],"$id":"TestUpdate"})
export type TestUpdate = Static<typeof TestUpdate>
export const DailyResponse = Type.Object({ "date": Type.String({"format":"date"}), "value": Type.Union([Type.Number({"description":"The value in the measure's unit (see `DailyMeasure`); `null` when missing."}), Type.Null()]), "status": Type.Unsafe<Static<typeof DailyStatus>>({ $ref: 'DailyStatus' }), "source": Type.Optional(Type.Union([Type.Unsafe<Static<typeof DailySource>>({ $ref: 'DailySource' }), Type.Null()])) }, {"description":"One day of a daily measure.","examples":[{"date":"2026-05-18","value":71.4,"status":"stored","source":"manual"}],"$id":"DailyResponse"})
export type DailyResponse = Static<typeof DailyResponse>
export const DailyCreate = Type.Object({ "date": Type.String({"format":"date"}), "value": Type.Number() }, {"description":"Body of `POST /api/v1/dailies/{measure}` (upsert). Manual values are never overwritten by integration imports.","examples":[{"date":"2026-05-18","value":71.4}],"$id":"DailyCreate"})
export type DailyCreate = Static<typeof DailyCreate>
export const UserSummary = Type.Object({ "id": Type.String({"description":"User id (ULID)."}), "first_name": Type.Union([Type.String(), Type.Null()]), "last_name": Type.Union([Type.String(), Type.Null()]), "scopes": Type.Array(Type.Unsafe<Static<typeof Scope>>({ $ref: 'Scope' }), {"description":"Scopes *you* hold for this user."}), "display_name": Type.String(), "is_managed": Type.Boolean({"description":"A managed user (no login)."}) }, {"description":"A user you have access to.","examples":[{"id":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","first_name":"Alice","last_name":"Anderson","scopes":["data:read","data:write"],"display_name":"Alice Anderson","is_managed":false}],"$id":"UserSummary"})
export type UserSummary = Static<typeof UserSummary>
export const UserResponse = Type.Object({ "id": Type.String({"description":"User id (ULID)."}), "first_name": Type.Union([Type.String(), Type.Null()]), "last_name": Type.Union([Type.String(), Type.Null()]), "admin": Type.Boolean(), "registered_at": Type.String({"description":"Registration time. Usually aware (`Z`), but can be naive, so no `format: date-time`."}), "display_name": Type.String(), "is_managed": Type.Boolean() }, {"description":"A (managed) user.","examples":[{"id":"01JW2K4M6N8P0Q2R4S6T8V0W2X","first_name":"Bob","last_name":null,"admin":false,"registered_at":"2026-05-18T19:20:00Z","display_name":"Bob","is_managed":true}],"$id":"UserResponse"})
export type UserResponse = Static<typeof UserResponse>
export const ManagedUserCreate = Type.Object({ "first_name": Type.String(), "last_name": Type.Union([Type.String(), Type.Null()]) }, {"description":"Body of `POST /api/v1/users/` (a managed user, without login).","examples":[{"first_name":"Bob","last_name":null}],"$id":"ManagedUserCreate"})
export type ManagedUserCreate = Static<typeof ManagedUserCreate>
export const ManagedUserUpdate = Type.Object({ "first_name": Type.Optional(Type.String()), "last_name": Type.Optional(Type.String()) }, {"description":"Form body of `PUT /api/v1/users/{user_id}` (server schema `BodyUpdateManagedUserApiV1UsersUserIdPut`): partial update, only the fields given are changed.","examples":[{"last_name":"Berg"}],"$id":"ManagedUserUpdate"})
export type ManagedUserUpdate = Static<typeof ManagedUserUpdate>
export const UserInfoResponse = Type.Object({ "sub": Type.String({"description":"User id (ULID)."}), "given_name": Type.Optional(Type.Union([Type.String(), Type.Null()])), "family_name": Type.Optional(Type.Union([Type.String(), Type.Null()])), "email": Type.Optional(Type.Union([Type.String(), Type.Null()])), "registered_at": Type.String({"description":"Registration time. Usually aware (`Z`), but can be naive, so no `format: date-time`."}), "issue": Type.Optional(Type.Union([Type.Unsafe<Static<typeof StatusIssueResponse>>({ $ref: 'StatusIssueResponse' }), Type.Null()], {"description":"Account-status issue (beta)."})), "name": Type.String({"description":"Display name."}) }, {"description":"OIDC-style user info.","examples":[{"sub":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","name":"Alice Anderson","given_name":"Alice","family_name":"Anderson","email":"a@example.com","registered_at":"2025-01-01T00:00:00Z","issue":{"code":"no_source_connected","status":"action_required","message":"No data source is connected yet.","destination":"manage-integrations"}}],"$id":"UserInfoResponse"})
export type UserInfoResponse = Static<typeof UserInfoResponse>
export const StatusIssueResponse = Type.Object({ "code": Type.Unsafe<Static<typeof StatusIssueCode>>({ $ref: 'StatusIssueCode' }), "status": Type.Unsafe<Static<typeof IssueStatus>>({ $ref: 'IssueStatus' }), "message": Type.String({"description":"Display text only; do not parse."}), "destination": Type.Optional(Type.Union([Type.Unsafe<Static<typeof PortalDestination>>({ $ref: 'PortalDestination' }), Type.Null()], {"description":"Portal page that fixes the issue (show a button only when set); always `null` on delegated tokens. Older servers sent `action_url` instead."})) }, {"description":"An account-status issue (beta).","examples":[{"code":"no_source_connected","status":"action_required","message":"No data source is connected yet.","destination":"manage-integrations"}],"$id":"StatusIssueResponse"})
export type StatusIssueResponse = Static<typeof StatusIssueResponse>
export const AccountStatusResponse = Type.Object({ "issue": Type.Optional(Type.Union([Type.Unsafe<Static<typeof StatusIssueResponse>>({ $ref: 'StatusIssueResponse' }), Type.Null()], {"description":"The most important issue, if any; reported only for capabilities the app declared."})), "capabilities": Type.Object({  }, {"description":"Status per capability (a map; unknown keys possible).","propertyNames":{"$ref":"Capability"},"additionalProperties":{"$ref":"CapabilityStatus"}}) }, {"description":"Account status for the calling app (beta).","examples":[{"issue":{"code":"no_source_connected","status":"action_required","message":"No data source is connected yet.","destination":"manage-integrations"},"capabilities":{"activities":"action_required","activity_history":"action_required","dailies":"unavailable","workouts":"unavailable"}}],"$id":"AccountStatusResponse"})
export type AccountStatusResponse = Static<typeof AccountStatusResponse>
export const TeamResponse = Type.Object({ "id": Type.String({"description":"Team (application) id."}), "name": Type.String(), "description": Type.String(), "url": Type.String({"format":"uri"}), "image": Type.String({"format":"uri"}), "privacy_statement": Type.String({"format":"uri"}), "role": Type.Union([Type.Unsafe<Static<typeof ApplicationMemberRole>>({ $ref: 'ApplicationMemberRole' }), Type.Null()]) }, {"description":"A team you own or are a member of.","examples":[{"id":"01JM3T5E7A9M1B3C5D7E9F1G3H","name":"Nordic Endurance Lab","description":"Coaching team of the Nordic Endurance Lab.","url":"https://example.com/","image":"https://example.com/logo.png","privacy_statement":"https://example.com/privacy","role":"owner"}],"$id":"TeamResponse"})
export type TeamResponse = Static<typeof TeamResponse>
export const AuthorizedTeamResponse = Type.Object({ "id": Type.String({"description":"Team (application) id."}), "name": Type.String(), "description": Type.String(), "url": Type.String({"format":"uri"}), "image": Type.String({"format":"uri"}), "privacy_statement": Type.String({"format":"uri"}), "scopes": Type.Array(Type.Unsafe<Static<typeof Scope>>({ $ref: 'Scope' }), {"description":"Scopes you granted the team."}) }, {"description":"A team you have authorised to access your data.","examples":[{"id":"01JM3T5E7A9M1B3C5D7E9F1G3H","name":"Nordic Endurance Lab","description":"Coaching team of the Nordic Endurance Lab.","url":"https://example.com/","image":"https://example.com/logo.png","privacy_statement":"https://example.com/privacy","scopes":["data:read"]}],"$id":"AuthorizedTeamResponse"})
export type AuthorizedTeamResponse = Static<typeof AuthorizedTeamResponse>
export const AuthorizeTeamRequest = Type.Object({ "scopes": Type.Array(Type.Unsafe<Static<typeof Scope>>({ $ref: 'Scope' }), {"description":"Scopes to grant."}) }, {"description":"Body of `POST /api/v1/teams/{team_id}/authorize`.","examples":[{"scopes":["data:read"]}],"$id":"AuthorizeTeamRequest"})
export type AuthorizeTeamRequest = Static<typeof AuthorizeTeamRequest>
export const AuthorizeTeamResponse = Type.Object({ "team_id": Type.String(), "user_id": Type.String(), "scopes": Type.Array(Type.Unsafe<Static<typeof Scope>>({ $ref: 'Scope' })) }, {"examples":[{"team_id":"01JM3T5E7A9M1B3C5D7E9F1G3H","user_id":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","scopes":["data:read"]}],"$id":"AuthorizeTeamResponse"})
export type AuthorizeTeamResponse = Static<typeof AuthorizeTeamResponse>
export const PortalSessionRequest = Type.Object({ "destination": Type.Unsafe<Static<typeof PortalDestination>>({ $ref: 'PortalDestination' }), "return_url": Type.Optional(Type.Union([Type.String({"maxLength":2048,"description":"Where the Portal sends the user back; must equal or sit under a registered redirect URI (else 400). Omitted → the Portal tells the user to close the page."}), Type.Null()])) }, {"description":"Body of `POST /api/v1/portal/sessions`. Old servers took no Bearer token and `client_id` (+ `client_secret`) in this body instead.","examples":[{"destination":"manage-integrations","return_url":"https://myapp.example.com/settings"}],"$id":"PortalSessionRequest"})
export type PortalSessionRequest = Static<typeof PortalSessionRequest>
export const PortalSessionResponse = Type.Object({ "url": Type.String({"format":"uri","description":"Opaque Portal URL to send the user to, e.g. `https://app.sweatstack.no/portal/...`."}) }, {"description":"A Portal session.","examples":[{"url":"https://app.sweatstack.no/portal/s/3f9a1c7e2b"}],"$id":"PortalSessionResponse"})
export type PortalSessionResponse = Static<typeof PortalSessionResponse>
export const DelegatedTokenRequest = Type.Object({ "sub": Type.String({"description":"Id of the user to act as."}), "scopes": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof Scope>>({ $ref: 'Scope' })), Type.Null()])), "team_id": Type.Optional(Type.Union([Type.String({"description":"Delegate through a team the user authorised (instead of a direct share)."}), Type.Null()])) }, {"description":"Body of `POST /api/v1/oauth/delegated-token`.","examples":[{"sub":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","team_id":"01JM3T5E7A9M1B3C5D7E9F1G3H"}],"$id":"DelegatedTokenRequest"})
export type DelegatedTokenRequest = Static<typeof DelegatedTokenRequest>
export const TokenRequest = Type.Object({ "grant_type": Type.Unsafe<Static<typeof GrantType>>({ $ref: 'GrantType' }), "client_id": Type.Optional(Type.String({"description":"Application id."})), "code": Type.Optional(Type.String({"description":"Authorization code (`authorization_code`)."})), "client_secret": Type.Optional(Type.String({"description":"Client secret (confidential clients); alternatively HTTP Basic."})), "code_verifier": Type.Optional(Type.String({"description":"PKCE verifier (S256)."})), "refresh_token": Type.Optional(Type.String({"description":"Refresh token (`refresh_token`)."})) }, {"description":"Form body of `POST /api/v1/oauth/token`. Clients also send `redirect_uri`, which the server never reads; the historic `tz` field is no longer sent (accept and ignore both).","examples":[{"grant_type":"authorization_code","client_id":"01KJSZJG3Z4ETF7C195H0H6NCJ","code":"c0d3-from-the-redirect","code_verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}],"$id":"TokenRequest"})
export type TokenRequest = Static<typeof TokenRequest>
export const TokenResponse = Type.Object({ "access_token": Type.String({"description":"JWT (RS256). Claims read by clients: `sub` (user id), `exp`; `aud` only on application tokens."}), "token_type": Type.Optional(Type.Literal("Bearer", {"default":"Bearer"})), "expires_in": Type.Integer({"description":"Seconds until expiry."}), "refresh_token": Type.Optional(Type.Union([Type.String({"description":"Refresh token: no expiry until the user revokes the app. Issued automatically to private clients; public clients must request `offline_access`. Not rotated today (the same one is returned or it is omitted); clients should accept a rotated one."}), Type.Null()])), "scope": Type.Optional(Type.Union([Type.String({"description":"Granted scopes, space-delimited."}), Type.Null()])), "id_token": Type.Optional(Type.Union([Type.String(), Type.Null()])) }, {"description":"OAuth token response.","examples":[{"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMUpROE0yWjZXNEs3VDNOOUI1WDFDMERBRSIsImF1ZCI6IjAxS0pTWkpHM1o0RVRGN0MxOTVIMEg2TkNKIiwiZXhwIjoxNzc5MTE4NjIwfQ.c2lnbmF0dXJlLW5vdC12ZXJpZmllZC1pbi10aGUtZXhhbXBsZQ","token_type":"Bearer","expires_in":900,"refresh_token":"rt_6Jk2Qm9Xw4Zp1Nv8Tb3Rc7Yd","scope":"data:read profile","id_token":null}],"$id":"TokenResponse"})
export type TokenResponse = Static<typeof TokenResponse>
export const IntensityDurationModelResponse = Type.Object({ "curve": Type.Array(Type.Unsafe<Static<typeof IntensityDurationModelPoint>>({ $ref: 'IntensityDurationModelPoint' })) }, {"description":"Modelled effort-duration curve (in development; shape may change).","examples":[{"curve":[{"duration":5,"intensity":912},{"duration":60,"intensity":498},{"duration":300,"intensity":341},{"duration":1200,"intensity":296},{"duration":3600,"intensity":268}]}],"$id":"IntensityDurationModelResponse"})
export type IntensityDurationModelResponse = Static<typeof IntensityDurationModelResponse>
export const IntensityDurationModelPoint = Type.Object({ "duration": Type.Integer({"description":"Duration (s)."}), "intensity": Type.Number({"description":"Intensity: W (whole numbers) for power, m/s (2 decimals) for speed."}) }, {"description":"One point of the modelled intensity-duration curve.","$id":"IntensityDurationModelPoint"})
export type IntensityDurationModelPoint = Static<typeof IntensityDurationModelPoint>
export const ScheduledWorkoutCreate = Type.Object({ "swf": Type.Unsafe<Static<typeof WorkoutInput>>({ $ref: 'WorkoutInput' }), "start": Type.String({"description":"Send naive local time (e.g. `2026-05-21T07:00:00`)."}), "parameters": Type.Optional(Type.Union([Type.Object({  }, {"description":"Named numeric parameters referenced by `ParameterRef.of`.","additionalProperties":{"type":"number"}}), Type.Null()])) }, {"description":"Body of `POST /api/v1/workouts/schedule` (beta).","examples":[{"swf":{"version":"0.4.0","title":"6×3 min","sport":"running","content":[{"type":"section","phase":"warmup","content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":600},"intensity":{"type":"range","quantity":"speed","min":2.8,"max":3.1}}]},{"type":"repeat","count":6,"content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":180},"intensity":{"type":"constant","quantity":"speed","value":{"percent":105,"of":"threshold_speed"}}},{"type":"step","effort":"rest","volume":{"type":"constant","quantity":"duration","value":90}}]},{"type":"note","text":"Easy jog home."}]},"start":"2026-05-21T07:00:00","parameters":{"threshold_speed":4.2}}],"$id":"ScheduledWorkoutCreate"})
export type ScheduledWorkoutCreate = Static<typeof ScheduledWorkoutCreate>
export const ScheduledWorkoutCreateResponse = Type.Object({ "id": Type.String(), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "start": Type.String(), "swf": Type.Unsafe<Static<typeof WorkoutOutput>>({ $ref: 'WorkoutOutput' }), "parameters": Type.Optional(Type.Union([Type.Object({  }, {"description":"Named numeric parameters referenced by `ParameterRef.of`.","additionalProperties":{"type":"number"}}), Type.Null()])), "application_id": Type.Optional(Type.Union([Type.String(), Type.Null()])), "application_name": Type.Optional(Type.Union([Type.String(), Type.Null()])), "deliveries": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof DeliveryView>>({ $ref: 'DeliveryView' })), Type.Null()])), "warnings": Type.Optional(Type.Union([Type.Array(Type.Unsafe<Static<typeof WorkoutWarning>>({ $ref: 'WorkoutWarning' })), Type.Null()])) }, {"description":"A scheduled workout (`ScheduledWorkoutResponse` + `warnings`).","examples":[{"id":"01JX5Y7Z9A1B3C5D7E9F1G3H5J","sport":"running","start":"2026-05-21T07:00:00","swf":{"version":"0.4.0","title":"6×3 min","sport":"running","content":[{"type":"section","phase":"warmup","content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":600},"intensity":{"type":"range","quantity":"speed","min":2.8,"max":3.1}}]},{"type":"repeat","count":6,"content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":180},"intensity":{"type":"constant","quantity":"speed","value":{"percent":105,"of":"threshold_speed"}}},{"type":"step","effort":"rest","volume":{"type":"constant","quantity":"duration","value":90}}]},{"type":"note","text":"Easy jog home."}]},"parameters":{"threshold_speed":4.2},"application_id":"01KJSZJG3Z4ETF7C195H0H6NCJ","application_name":"My Coaching App","deliveries":[{"integration":"garmin_connect","status":"pending","reason":null,"detail":null,"updated_at":"2026-05-18T19:30:00Z"}],"warnings":[]}],"$id":"ScheduledWorkoutCreateResponse"})
export type ScheduledWorkoutCreateResponse = Static<typeof ScheduledWorkoutCreateResponse>
export const WorkoutInput = Type.Object({ "$schema": Type.Optional(Type.String({"description":"Optional JSON Schema URI of the SWF format."})), "version": Type.Optional(Type.String({"default":"0.4.0","description":"SWF version."})), "title": Type.Optional(Type.Union([Type.String(), Type.Null()])), "description": Type.Optional(Type.Union([Type.String(), Type.Null()])), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "pool_length": Type.Optional(Type.Union([Type.Number(), Type.Null()])), "content": Type.Optional(Type.Array(Type.Unsafe<Static<typeof WorkoutContentItem>>({ $ref: 'WorkoutContentItem' }), {"description":"The workout content."})) }, {"description":"A workout in SweatStack Workout Format (SWF), as sent. Supported today: running, speed intensity, duration/distance volume.","examples":[{"version":"0.4.0","title":"6×3 min","sport":"running","content":[{"type":"section","phase":"warmup","content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":600},"intensity":{"type":"range","quantity":"speed","min":2.8,"max":3.1}}]},{"type":"repeat","count":6,"content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":180},"intensity":{"type":"constant","quantity":"speed","value":{"percent":105,"of":"threshold_speed"}}},{"type":"step","effort":"rest","volume":{"type":"constant","quantity":"duration","value":90}}]},{"type":"note","text":"Easy jog home."}]}],"$id":"WorkoutInput"})
export type WorkoutInput = Static<typeof WorkoutInput>
export const WorkoutOutput = Type.Object({ "$schema": Type.Optional(Type.String({"description":"Optional JSON Schema URI of the SWF format."})), "version": Type.Optional(Type.String({"default":"0.4.0","description":"SWF version."})), "title": Type.Optional(Type.Union([Type.String(), Type.Null()])), "description": Type.Optional(Type.Union([Type.String(), Type.Null()])), "sport": Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), "pool_length": Type.Optional(Type.Union([Type.Number(), Type.Null()])), "content": Type.Optional(Type.Array(Type.Unsafe<Static<typeof WorkoutContentItem>>({ $ref: 'WorkoutContentItem' }), {"description":"The workout content."})) }, {"description":"A workout in SweatStack Workout Format (SWF), as returned.","$id":"WorkoutOutput"})
export type WorkoutOutput = Static<typeof WorkoutOutput>
export const WorkoutContentItem = Type.Union([Type.Unsafe<Static<typeof StepInput>>({ $ref: 'StepInput' }), Type.Unsafe<unknown>({ $ref: 'RepeatInput' }), Type.Unsafe<unknown>({ $ref: 'SectionInput' }), Type.Unsafe<Static<typeof Note>>({ $ref: 'Note' })], {"description":"One item of workout content, discriminated by `type`: `step`, `repeat`, `section`, `note`.","$id":"WorkoutContentItem"})
export type WorkoutContentItem = Static<typeof WorkoutContentItem>
export const StepInput = Type.Object({ "type": Type.Literal("step"), "effort": Type.Optional(Type.Union([Type.Enum(["work","rest"], {"type":"string"}), Type.Null()], {"default":"work","description":"Work or rest; omitted or `null` means `work`."})), "note": Type.Optional(Type.Union([Type.String(), Type.Null()])), "volume": Type.Optional(Type.Union([Type.Unsafe<Static<typeof ConstantValue>>({ $ref: 'ConstantValue' }), Type.Unsafe<Static<typeof RangeValue>>({ $ref: 'RangeValue' }), Type.Unsafe<Static<typeof RampValue>>({ $ref: 'RampValue' }), Type.Unsafe<Static<typeof ZoneValue>>({ $ref: 'ZoneValue' }), Type.Null()], {"description":"How long/far (quantity `duration` or `distance`)."})), "intensity": Type.Optional(Type.Union([Type.Unsafe<Static<typeof ConstantValue>>({ $ref: 'ConstantValue' }), Type.Unsafe<Static<typeof RangeValue>>({ $ref: 'RangeValue' }), Type.Unsafe<Static<typeof RampValue>>({ $ref: 'RampValue' }), Type.Unsafe<Static<typeof ZoneValue>>({ $ref: 'ZoneValue' }), Type.Null()], {"description":"How hard."})) }, {"description":"A workout step.","$id":"StepInput"})
export type StepInput = Static<typeof StepInput>
export const RepeatInput = Type.Object({ "type": Type.Literal("repeat"), "note": Type.Optional(Type.Union([Type.String(), Type.Null()])), "count": Type.Union([Type.Integer({"description":"How many times; `0` skips the content."}), Type.Unsafe<Static<typeof ParameterRef>>({ $ref: 'ParameterRef' }), Type.Unsafe<Static<typeof RepeatCount>>({ $ref: 'RepeatCount' })]), "content": Type.Array(Type.Unsafe<unknown>({ $ref: 'WorkoutContentItem' })) }, {"description":"Repeat the content `count` times.","$id":"RepeatInput"})
export type RepeatInput = Static<typeof RepeatInput>
export const SectionInput = Type.Object({ "type": Type.Literal("section"), "note": Type.Optional(Type.Union([Type.String(), Type.Null()])), "phase": Type.Enum(["warmup","main","cooldown"], {"type":"string"}), "content": Type.Array(Type.Unsafe<unknown>({ $ref: 'WorkoutContentItem' })) }, {"description":"A section (warm-up, main set, cool-down).","$id":"SectionInput"})
export type SectionInput = Static<typeof SectionInput>
export const Note = Type.Object({ "type": Type.Literal("note"), "text": Type.String() }, {"description":"A free-text note inside a workout.","$id":"Note"})
export type Note = Static<typeof Note>
export const ConstantValue = Type.Object({ "type": Type.Literal("constant"), "quantity": Type.String({"description":"Quantity. Intensity: `speed`, `power`, `heart_rate`, `rpe_cr10`, `rpe_borg`; volume: `duration`, `distance`."}), "value": Type.Union([Type.Number(), Type.Unsafe<Static<typeof ParameterRef>>({ $ref: 'ParameterRef' }), Type.Unsafe<Static<typeof TTERef>>({ $ref: 'TTERef' })]) }, {"description":"A constant volume or intensity.","$id":"ConstantValue"})
export type ConstantValue = Static<typeof ConstantValue>
export const RangeValue = Type.Object({ "type": Type.Literal("range"), "quantity": Type.String({"description":"Quantity. Intensity: `speed`, `power`, `heart_rate`, `rpe_cr10`, `rpe_borg`; volume: `duration`, `distance`."}), "min": Type.Optional(Type.Union([Type.Number(), Type.Unsafe<Static<typeof ParameterRef>>({ $ref: 'ParameterRef' }), Type.Unsafe<Static<typeof TTERef>>({ $ref: 'TTERef' })])), "max": Type.Optional(Type.Union([Type.Number(), Type.Unsafe<Static<typeof ParameterRef>>({ $ref: 'ParameterRef' }), Type.Unsafe<Static<typeof TTERef>>({ $ref: 'TTERef' })])) }, {"description":"A range (open-ended when `min` or `max` is omitted).","$id":"RangeValue"})
export type RangeValue = Static<typeof RangeValue>
export const RampValue = Type.Object({ "type": Type.Literal("ramp"), "quantity": Type.String({"description":"Quantity. Intensity: `speed`, `power`, `heart_rate`, `rpe_cr10`, `rpe_borg`; volume: `duration`, `distance`."}), "start": Type.Union([Type.Number(), Type.Unsafe<Static<typeof ParameterRef>>({ $ref: 'ParameterRef' }), Type.Unsafe<Static<typeof TTERef>>({ $ref: 'TTERef' })]), "end": Type.Union([Type.Number(), Type.Unsafe<Static<typeof ParameterRef>>({ $ref: 'ParameterRef' }), Type.Unsafe<Static<typeof TTERef>>({ $ref: 'TTERef' })]) }, {"description":"A ramp from `start` to `end`.","$id":"RampValue"})
export type RampValue = Static<typeof RampValue>
export const ZoneValue = Type.Object({ "type": Type.Literal("zone"), "quantity": Type.String({"description":"Quantity. Intensity: `speed`, `power`, `heart_rate`, `rpe_cr10`, `rpe_borg`; volume: `duration`, `distance`."}), "zone": Type.Unsafe<unknown>({}), "of": Type.Unsafe<unknown>({}) }, {"description":"An intensity given as a zone.","$id":"ZoneValue"})
export type ZoneValue = Static<typeof ZoneValue>
export const ParameterRef = Type.Object({ "percent": Type.Number({"description":"Percentage of the referenced parameter."}), "of": Type.String({"description":"Name of the parameter (a key of `parameters`)."}) }, {"description":"A value relative to a workout parameter.","$id":"ParameterRef"})
export type ParameterRef = Static<typeof ParameterRef>
export const TTERef = Type.Object({ "tte": Type.Number() }, {"description":"A value given as a time-to-exhaustion reference.","$id":"TTERef"})
export type TTERef = Static<typeof TTERef>
export const RepeatCount = Type.Object({ "min": Type.Integer(), "max": Type.Integer() }, {"description":"A repeat count range, for an athlete or app to choose from.","$id":"RepeatCount"})
export type RepeatCount = Static<typeof RepeatCount>
export const DeliveryView = Type.Object({ "integration": Type.String(), "status": Type.String(), "reason": Type.Optional(Type.Union([Type.String(), Type.Null()])), "detail": Type.Optional(Type.Union([Type.String(), Type.Null()])), "updated_at": Type.Optional(Type.Union([Type.String({"format":"date-time"}), Type.Null()])) }, {"description":"Delivery of a scheduled workout to one integration.","$id":"DeliveryView"})
export type DeliveryView = Static<typeof DeliveryView>
export const WorkoutWarning = Type.Object({ "integration": Type.String({"description":"The integration the warning is about, e.g. `garmin_connect`."}), "issues": Type.Optional(Type.Union([Type.Array(Type.Object({  }, {"additionalProperties":true}), {"description":"What the integration cannot represent. Each item is a JSON object; SweatStack does not publish their fields."}), Type.Null()])), "adjustments": Type.Optional(Type.Union([Type.Array(Type.Object({  }, {"additionalProperties":true}), {"description":"What was changed so the integration could take it. Each item is a JSON object; SweatStack does not publish their fields."}), Type.Null()])) }, {"description":"Something an integration could not take as scheduled, per integration.","$id":"WorkoutWarning"})
export type WorkoutWarning = Static<typeof WorkoutWarning>
export const AppMetadata = Type.Object({  }, {"description":"Application metadata: any JSON object, private to the application that wrote it. Caps: 1 KB (1024 bytes of JSON) on activities, traces and tests; 4 KB on the profile; nesting depth at most 32. Too large → 413; too deep → 422. `PUT` replaces the whole object (no merge). Appears as `app_metadata` on entities only when read with the writing app's token (otherwise `null`).","additionalProperties":true,"examples":[{"ftp_estimate":287,"analysed":true,"model":{"version":3}}],"$id":"AppMetadata"})
export type AppMetadata = Static<typeof AppMetadata>
export const Message = Type.Object({ "message": Type.String({"description":"Informational text; carries no useful information, do not parse."}) }, {"description":"`{\"message\": …}` body returned by PUTs (traces, tests, app-metadata) and test DELETE.","examples":[{"message":"Trace updated"}],"$id":"Message"})
export type Message = Static<typeof Message>
export const HTTPError = Type.Object({ "detail": Type.String({"description":"Human-readable error text."}) }, {"description":"FastAPI-style error body, e.g. `{\"detail\": \"Not enough permissions\"}`. Non-JSON error bodies are possible (clients fall back to text). An `x-request-id` response header may be present.","examples":[{"detail":"Not enough permissions"}],"$id":"HTTPError"})
export type HTTPError = Static<typeof HTTPError>
export const HTTPValidationError = Type.Object({ "detail": Type.Optional(Type.Array(Type.Unsafe<Static<typeof ValidationError>>({ $ref: 'ValidationError' }))) }, {"description":"FastAPI 422 validation error body.","examples":[{"detail":[{"loc":["query","limit"],"msg":"Input should be greater than or equal to 1","type":"greater_than_equal"}]}],"$id":"HTTPValidationError"})
export type HTTPValidationError = Static<typeof HTTPValidationError>
export const ValidationError = Type.Object({ "loc": Type.Array(Type.Union([Type.String(), Type.Integer()]), {"description":"Location of the error, e.g. `[\"query\", \"limit\"]` or `[\"body\", \"timestamp\"]`."}), "msg": Type.String({"description":"Message."}), "type": Type.String({"description":"Error type, e.g. `int_parsing`, `missing`."}) }, {"description":"One validation error.","$id":"ValidationError"})
export type ValidationError = Static<typeof ValidationError>
export const WebhookEventBody = Type.Object({ "user_id": Type.String({"description":"The user the event is about."}), "event_type": Type.Unsafe<Static<typeof WebhookEventType>>({ $ref: 'WebhookEventType' }), "resource_id": Type.Union([Type.String({"description":"Id of the changed resource. Resource data is not included — fetch it."}), Type.Null()]), "timestamp": Type.String({"format":"date-time","description":"When the event happened."}) }, {"description":"Body SweatStack POSTs to an application's webhook endpoint(s).","examples":[{"user_id":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","event_type":"activity_created","resource_id":"01JV7Q4ZK8W3N5T2B6X9C0D1EF","timestamp":"2026-05-06T12:00:00Z"}],"$id":"WebhookEventBody"})
export type WebhookEventBody = Static<typeof WebhookEventBody>

/** Every component, to be registered once with `fastify.addSchema` so `$ref`s resolve. */
export const components = [Sport, Metric, Scope, DailyMeasure, DailySource, DailyStatus, Capability, CapabilityStatus, IssueStatus, StatusIssueCode, PortalDestination, TraceResolution, TestMatch, ApplicationMemberRole, GrantType, Prompt, UserFlow, EmailAuthMode, IntegrationName, SourceOrigin, SourceStatus, WebhookEventType, ActivitySummary, ActivityDetails, ActivitySummarySummary, PowerSummary, SpeedSummary, CadenceSummary, HeartRateSummary, TemperatureSummary, CoreTemperatureSummary, Smo2Summary, DistanceSummary, AltitudeSummary, Lap, BackfillStatus, SourceResponse, SourceError, UploadResponse, TraceDetails, TraceCreateOrUpdate, TestResults, Marker, TestSummary, TestDetails, TestCreate, TestUpdate, DailyResponse, DailyCreate, UserSummary, UserResponse, ManagedUserCreate, ManagedUserUpdate, UserInfoResponse, StatusIssueResponse, AccountStatusResponse, TeamResponse, AuthorizedTeamResponse, AuthorizeTeamRequest, AuthorizeTeamResponse, PortalSessionRequest, PortalSessionResponse, DelegatedTokenRequest, TokenRequest, TokenResponse, IntensityDurationModelResponse, IntensityDurationModelPoint, ScheduledWorkoutCreate, ScheduledWorkoutCreateResponse, WorkoutInput, WorkoutOutput, WorkoutContentItem, StepInput, RepeatInput, SectionInput, Note, ConstantValue, RangeValue, RampValue, ZoneValue, ParameterRef, TTERef, RepeatCount, DeliveryView, WorkoutWarning, AppMetadata, Message, HTTPError, HTTPValidationError, ValidationError, WebhookEventBody]

/** GET /api/v1/activities/ */
export const listActivities = {
  operationId: "listActivities",
  method: "GET",
  path: "/api/v1/activities/",
  description: "List activities. Activities of the token's user, newest first.",
  requiredScope: "data:read",
  querystring: Type.Object({ "start": Type.Optional(Type.String({"format":"date","description":"Earliest date (`YYYY-MM-DD`; timestamps are rejected)."})), "end": Type.Optional(Type.String({"format":"date","description":"Latest date (`YYYY-MM-DD`)."})), "sport": Type.Optional(Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), {"description":"Sport filter; repeat for several (`?sport=cycling&sport=running`): an item matches any of them, and a parent sport matches its sub-sports."})), "tags": Type.Optional(Type.Array(Type.String(), {"description":"Tag filter; repeat for several (`?tags=a&tags=b`): an item must have all of them."})), "limit": Type.Optional(Type.Integer({"minimum":1,"default":50,"description":"Page size (default 50)."})), "offset": Type.Optional(Type.Integer({"minimum":0,"default":0,"description":"Number of items to skip. Pagination is `limit`/`offset` only (no cursor, no total); a page shorter than `limit` is the last. Newest first."})) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "A page of activities.",
  response: Type.Array(Type.Unsafe<Static<typeof ActivitySummary>>({ $ref: 'ActivitySummary' })),
  responseExample: [{"tags":["intervals"],"id":"01JV7Q4ZK8W3N5T2B6X9C0D1EF","sport":"cycling.road","start":"2026-05-18T15:32:00Z","end":"2026-05-18T17:02:41Z","metrics":["duration","lap","power","speed","heart_rate","cadence","distance","altitude","latitude","longitude"],"source_id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","summary":{"power":{"mean":212.4,"max":876},"heart_rate":{"mean":148.2,"min":92,"max":181,"start":95,"end":121},"distance":{"sum":61234.5}},"laps":[{"power":{"mean":301.5,"max":402},"heart_rate":{"mean":166,"min":141,"max":178,"start":141,"end":177},"start":"2026-05-18T16:02:00Z","end":"2026-05-18T16:10:00Z","duration":"PT8M","start_local":"2026-05-18T18:02:00","end_local":"2026-05-18T18:10:00"}],"traces":null,"app_metadata":null,"duration":"PT1H30M41S","start_local":"2026-05-18T17:32:00","end_local":"2026-05-18T19:02:41"}],
} as const
/** GET /api/v1/activities/latest */
export const getLatestActivity = {
  operationId: "getLatestActivity",
  method: "GET",
  path: "/api/v1/activities/latest",
  description: "Get the latest activity. The most recent activity (optionally of one sport), or JSON `null` when there is none.",
  requiredScope: "data:read",
  querystring: Type.Object({ "sport": Type.Optional(Type.Unsafe<Static<typeof Sport>>({ allOf: [{ $ref: 'Sport' }], ...{"description":"Only this sport (a parent sport matches its sub-sports). A single value."} })) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The latest activity, or `null`.",
  response: Type.Union([Type.Unsafe<Static<typeof ActivityDetails>>({ $ref: 'ActivityDetails' }), Type.Null()]),
  responseExample: {"tags":["intervals"],"id":"01JV7Q4ZK8W3N5T2B6X9C0D1EF","sport":"cycling.road","start":"2026-05-18T15:32:00Z","end":"2026-05-18T17:02:41Z","metrics":["duration","lap","power","speed","heart_rate","cadence","distance","altitude","latitude","longitude"],"source_id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","summary":{"power":{"mean":212.4,"max":876},"heart_rate":{"mean":148.2,"min":92,"max":181,"start":95,"end":121},"distance":{"sum":61234.5}},"laps":[{"power":{"mean":301.5,"max":402},"heart_rate":{"mean":166,"min":141,"max":178,"start":141,"end":177},"start":"2026-05-18T16:02:00Z","end":"2026-05-18T16:10:00Z","duration":"PT8M","start_local":"2026-05-18T18:02:00","end_local":"2026-05-18T18:10:00"}],"traces":null,"app_metadata":null,"distance":61234.5,"devices":["Garmin Edge 840"],"duration":"PT1H30M41S","start_local":"2026-05-18T17:32:00","end_local":"2026-05-18T19:02:41"},
} as const
/** GET /api/v1/activities/{activity_id} */
export const getActivity = {
  operationId: "getActivity",
  method: "GET",
  path: "/api/v1/activities/{activity_id}",
  description: "Get an activity. One activity with details.",
  requiredScope: "data:read",
  params: Type.Object({ "activity_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Activity id (ULID)."}) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The activity.",
  response: Type.Unsafe<Static<typeof ActivityDetails>>({ $ref: 'ActivityDetails' }),
  responseExample: {"tags":["intervals"],"id":"01JV7Q4ZK8W3N5T2B6X9C0D1EF","sport":"cycling.road","start":"2026-05-18T15:32:00Z","end":"2026-05-18T17:02:41Z","metrics":["duration","lap","power","speed","heart_rate","cadence","distance","altitude","latitude","longitude"],"source_id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","summary":{"power":{"mean":212.4,"max":876},"heart_rate":{"mean":148.2,"min":92,"max":181,"start":95,"end":121},"distance":{"sum":61234.5}},"laps":[{"power":{"mean":301.5,"max":402},"heart_rate":{"mean":166,"min":141,"max":178,"start":141,"end":177},"start":"2026-05-18T16:02:00Z","end":"2026-05-18T16:10:00Z","duration":"PT8M","start_local":"2026-05-18T18:02:00","end_local":"2026-05-18T18:10:00"}],"traces":null,"app_metadata":null,"distance":61234.5,"devices":["Garmin Edge 840"],"duration":"PT1H30M41S","start_local":"2026-05-18T17:32:00","end_local":"2026-05-18T19:02:41"},
} as const
/** GET /api/v1/activities/{activity_id}/data */
export const getActivityData = {
  operationId: "getActivityData",
  method: "GET",
  path: "/api/v1/activities/{activity_id}/data",
  description: "Get an activity's time series (Parquet). The activity's streams, 1 Hz unless `segmentation_on` is given. GPS: filter `(0,0)`, NaN and out-of-range coordinates.",
  requiredScope: "data:read",
  querystring: Type.Object({ "metrics": Type.Optional(Type.Array(Type.Unsafe<Static<typeof Metric>>({ $ref: 'Metric' }), {"description":"Metrics to include; repeat for several (`?metrics=power&metrics=heart_rate`; comma-joined is **not** accepted). Omitted → the server's selection."})), "segmentation_on": Type.Optional(Type.Enum(["power","speed"], {"description":"Down-sample with AISC segmentation on this metric (formerly `adaptive_sampling_on`, then `nlec_on`). Omitted → 1 Hz data.","type":"string"})) }),
  params: Type.Object({ "activity_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Activity id (ULID)."}) }),
  status: "200",
  contentType: "application/vnd.apache.parquet",
  responseDescription: "Parquet file (snappy-compressed). Columns: `timestamp` (UTC), `timestamp_local` (naive local), plus one column per requested/available metric, named by `Metric` (`duration`, `lap`, `power`, `speed`, `heart_rate`, `respiration_rate`, `smo2`, `core_temperature`, `elevation`, `altitude`, `cadence`, `temperature`, `distance`, `longitude`, `latitude`, `lactate`, `rpe`, `notes`).",
} as const
/** GET /api/v1/activities/{activity_id}/mean-max */
export const getActivityMeanMax = {
  operationId: "getActivityMeanMax",
  method: "GET",
  path: "/api/v1/activities/{activity_id}/mean-max",
  description: "Get an activity's mean-max curve (Parquet). Best average of `metric` for each duration. The old boolean `segmentation` parameter is ignored by the server.",
  requiredScope: "data:read",
  querystring: Type.Object({ "metric": Type.Enum(["power","speed"], {"description":"Metric of the curve.","type":"string"}), "durations": Type.Optional(Type.String({"pattern":"^(all|\\d+(,\\d+)*)$","description":"Durations in seconds, **comma-joined** (not repeated): e.g. `5,60,300`, or `all` (1 s steps to 3 min, then 5/10/30/60 s steps). Omitted → 19 default durations from 1 s to 6 h."})) }),
  params: Type.Object({ "activity_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Activity id (ULID)."}) }),
  status: "200",
  contentType: "application/vnd.apache.parquet",
  responseDescription: "Parquet file (snappy-compressed). Columns: `duration`, `<metric>` (named by the `metric` parameter: `power` or `speed`), `start` (when the best effort started).",
} as const
/** GET /api/v1/activities/{activity_id}/accumulated-work-duration */
export const getActivityAccumulatedWorkDuration = {
  operationId: "getActivityAccumulatedWorkDuration",
  method: "GET",
  path: "/api/v1/activities/{activity_id}/accumulated-work-duration",
  description: "Get an activity's accumulated work duration (Parquet). Accumulated work duration (time spent at or above each intensity).",
  requiredScope: "data:read",
  querystring: Type.Object({ "metric": Type.Optional(Type.Unsafe<Static<typeof Metric>>({ allOf: [{ $ref: 'Metric' }], ...{"description":"Metric. Omitted → `power` for cycling, `speed` otherwise."} })) }),
  params: Type.Object({ "activity_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Activity id (ULID)."}) }),
  status: "200",
  contentType: "application/vnd.apache.parquet",
  responseDescription: "Parquet file (snappy-compressed). Columns: `<metric>` (intensity value, named by the metric) and `duration`.",
} as const
/** POST /api/v1/activities/upload */
export const uploadActivities = {
  operationId: "uploadActivities",
  method: "POST",
  path: "/api/v1/activities/upload",
  description: "Upload activity files. Upload FIT or CSV files (at most 10 per request). CSV needs a `sport` column (OST code) and an offset-aware `timestamp` column. Old SDKs also sent a `sport` form field, which the server never read. Scope: `data:write`.",
  requiredScope: "data:write",
  bodyContentType: "multipart/form-data",
  body: Type.Object({ "files": Type.Array(Type.String({"format":"binary","contentMediaType":"application/octet-stream","description":"A FIT or CSV file."}), {"minItems":1,"maxItems":10,"description":"One part per file, all named `files`."}) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "One source per uploaded file.",
  response: Type.Unsafe<Static<typeof UploadResponse>>({ $ref: 'UploadResponse' }),
  responseExample: {"sources":[{"id":"01JV7Q4YR2M8P6S4A0T1V3W5XZ","type":"fit","origin":"manual_upload","filename":"2026-05-18-ride.fit","status":"processing","error":null,"activity_ids":[],"created_at":"2026-05-18T19:10:04Z"}]},
} as const
/** GET /api/v1/activities/backfill-status */
export const getBackfillStatus = {
  operationId: "getBackfillStatus",
  method: "GET",
  path: "/api/v1/activities/backfill-status",
  description: "Watch history backfill progress (stream). A stream of newline-delimited JSON lines, each a `BackfillStatus`, an update every few seconds; the server closes the stream after 60 seconds. History is ingested newest-to-oldest (an older activity can finish ingesting after a newer one — track processed activities by id). Clients use no read timeout.",
  requiredScope: "data:read",
  status: "200",
  contentType: "application/x-ndjson",
  responseDescription: "`application/x-ndjson` stream: each line is one JSON `BackfillStatus` object (modelled here as an array of the line values). Timestamps are naive.",
  responseExample: [{"backfill_loaded_until":"2024-02-11T06:12:09.120554"},{"backfill_loaded_until":"2021-09-27T00:56:34.667483"}],
} as const
/** GET /api/v1/activities/longitudinal-data */
export const getLongitudinalData = {
  operationId: "getLongitudinalData",
  method: "GET",
  path: "/api/v1/activities/longitudinal-data",
  description: "Get time series across activities (Parquet). Concatenated 1 Hz streams of all matching activities in the date range.",
  requiredScope: "data:read",
  querystring: Type.Object({ "sport": Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), {"minItems":1,"description":"Sports (required, at least one); repeat for several."}), "start": Type.String({"format":"date","description":"First date (`YYYY-MM-DD`)."}), "end": Type.Optional(Type.String({"format":"date","description":"Last date (`YYYY-MM-DD`)."})), "metrics": Type.Optional(Type.Array(Type.Unsafe<Static<typeof Metric>>({ $ref: 'Metric' }), {"description":"Metrics; repeat for several. Omitted → `duration`, `power`, `heart_rate`, `speed`."})), "segmentation_on": Type.Optional(Type.Enum(["power","speed"], {"description":"Down-sample with AISC segmentation on this metric (formerly `adaptive_sampling_on`, then `nlec_on`). Omitted → 1 Hz data.","type":"string"})) }),
  status: "200",
  contentType: "application/vnd.apache.parquet",
  responseDescription: "Parquet file (snappy-compressed). Columns: `timestamp` (UTC), `timestamp_local` (naive local), `activity_id`, `sport`, plus one column per metric named by `Metric`.",
} as const
/** GET /api/v1/activities/longitudinal-mean-max */
export const getLongitudinalMeanMax = {
  operationId: "getLongitudinalMeanMax",
  method: "GET",
  path: "/api/v1/activities/longitudinal-mean-max",
  description: "Get the mean-max curve across activities (Parquet). Best efforts per duration across all matching activities, optionally after given amounts of prior work (fatigue states). The date range is capped at 1 year when `after` is used. The former `by` parameter was removed.",
  requiredScope: "data:read",
  querystring: Type.Object({ "sport": Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), {"minItems":1,"description":"Sports (required, at least one); repeat for several."}), "metric": Type.Optional(Type.Enum(["power","speed"], {"description":"Metric of the curve.","type":"string"})), "start": Type.Optional(Type.String({"format":"date","description":"First date (`YYYY-MM-DD`)."})), "end": Type.Optional(Type.String({"format":"date","description":"Last date (`YYYY-MM-DD`)."})), "after": Type.Optional(Type.Array(Type.Number({"minimum":0}), {"maxItems":5,"description":"Fatigue states: prior work before the effort, kJ for power, m for speed; repeat for several (`?after=0&after=500`), at most 5."})), "durations": Type.Optional(Type.String({"pattern":"^(all|\\d+(,\\d+)*)$","description":"Durations in seconds, **comma-joined** (not repeated): e.g. `5,60,300`, or `all` (1 s steps to 3 min, then 5/10/30/60 s steps). Omitted → 19 default durations from 1 s to 6 h."})), "date": Type.Optional(Type.String({"format":"date","description":"Deprecated (use `start`/`end`).","deprecated":true})), "window_days": Type.Optional(Type.Integer({"minimum":1,"description":"Deprecated (use `start`/`end`).","deprecated":true})) }),
  status: "200",
  contentType: "application/vnd.apache.parquet",
  responseDescription: "Parquet file (snappy-compressed).",
} as const
/** GET /api/v1/activities/longitudinal-accumulated-work-duration */
export const getLongitudinalAccumulatedWorkDuration = {
  operationId: "getLongitudinalAccumulatedWorkDuration",
  method: "GET",
  path: "/api/v1/activities/longitudinal-accumulated-work-duration",
  description: "Get accumulated work duration across activities (Parquet, beta). Beta. Accumulated work duration at max/hard/medium/easy levels across all matching activities.",
  requiredScope: "data:read",
  querystring: Type.Object({ "sport": Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), {"minItems":1,"description":"Sports (required, at least one); repeat for several."}), "metric": Type.Optional(Type.Unsafe<Static<typeof Metric>>({ allOf: [{ $ref: 'Metric' }], ...{"description":"Metric."} })), "start": Type.Optional(Type.String({"format":"date","description":"First date (`YYYY-MM-DD`)."})), "end": Type.Optional(Type.String({"format":"date","description":"Last date (`YYYY-MM-DD`)."})), "format": Type.Optional(Type.String({"description":"An output option SweatStack accepts but does not document; passed on as given."})), "date": Type.Optional(Type.String({"format":"date","description":"Deprecated (use `start`/`end`).","deprecated":true})), "window_days": Type.Optional(Type.Integer({"minimum":1,"description":"Deprecated (use `start`/`end`).","deprecated":true})) }),
  status: "200",
  contentType: "application/vnd.apache.parquet",
  responseDescription: "Parquet file (snappy-compressed).",
} as const
/** PUT /api/v1/activities/{activity_id}/app-metadata */
export const putActivityAppMetadata = {
  operationId: "putActivityAppMetadata",
  method: "PUT",
  path: "/api/v1/activities/{activity_id}/app-metadata",
  description: "Replace this app's metadata on the activity. Replaces (no merge) this application's metadata on the activity. Any JSON object, at most 1 KB of JSON, nesting depth ≤ 32. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "activity_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Activity id (ULID)."}) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"App metadata updated"},
} as const
/** DELETE /api/v1/activities/{activity_id}/app-metadata */
export const deleteActivityAppMetadata = {
  operationId: "deleteActivityAppMetadata",
  method: "DELETE",
  path: "/api/v1/activities/{activity_id}/app-metadata",
  description: "Delete this app's metadata on the activity. Removes this application's metadata from the activity. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "activity_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Activity id (ULID)."}) }),
  status: "204",
  responseDescription: "Deleted.",
} as const
/** GET /api/v1/traces/ */
export const listTraces = {
  operationId: "listTraces",
  method: "GET",
  path: "/api/v1/traces/",
  description: "List traces. Traces of the token's user, newest first.",
  requiredScope: "data:read",
  querystring: Type.Object({ "start": Type.Optional(Type.String({"format":"date","description":"Earliest date (`YYYY-MM-DD`; timestamps are rejected)."})), "end": Type.Optional(Type.String({"format":"date","description":"Latest date (`YYYY-MM-DD`)."})), "sport": Type.Optional(Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), {"description":"Sport filter; repeat for several (`?sport=cycling&sport=running`): an item matches any of them, and a parent sport matches its sub-sports."})), "tags": Type.Optional(Type.Array(Type.String(), {"description":"Tag filter; repeat for several (`?tags=a&tags=b`): an item must have all of them."})), "limit": Type.Optional(Type.Integer({"minimum":1,"default":100,"description":"Page size (default 100)."})), "offset": Type.Optional(Type.Integer({"minimum":0,"default":0,"description":"Number of items to skip. Pagination is `limit`/`offset` only (no cursor, no total); a page shorter than `limit` is the last. Newest first."})) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "A page of traces.",
  response: Type.Array(Type.Unsafe<Static<typeof TraceDetails>>({ $ref: 'TraceDetails' })),
  responseExample: [{"tags":["step-test"],"id":"01JV8A2B3C4D5E6F7G8H9J0K1M","test_id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","timestamp":"2026-05-18T16:10:00Z","lactate":2.4,"rpe":6,"notes":"End of step 4","power":280,"speed":null,"heart_rate":162,"vo2":null,"lap":null,"activity":null,"test":null,"test_match":"explicit","sport":"cycling","app_metadata":null,"timestamp_local":"2026-05-18T18:10:00"}],
} as const
/** POST /api/v1/traces/ */
export const createTrace = {
  operationId: "createTrace",
  method: "POST",
  path: "/api/v1/traces/",
  description: "Create a trace. Creates a trace. Scope: `data:write`.",
  requiredScope: "data:write",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof TraceCreateOrUpdate>>({ $ref: 'TraceCreateOrUpdate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The created trace.",
  response: Type.Unsafe<Static<typeof TraceDetails>>({ $ref: 'TraceDetails' }),
  responseExample: {"tags":["step-test"],"id":"01JV8A2B3C4D5E6F7G8H9J0K1M","test_id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","timestamp":"2026-05-18T16:10:00Z","lactate":2.4,"rpe":6,"notes":"End of step 4","power":280,"speed":null,"heart_rate":162,"vo2":null,"lap":null,"activity":null,"test":null,"test_match":"explicit","sport":"cycling","app_metadata":null,"timestamp_local":"2026-05-18T18:10:00"},
} as const
/** PUT /api/v1/traces/{trace_id} */
export const replaceTrace = {
  operationId: "replaceTrace",
  method: "PUT",
  path: "/api/v1/traces/{trace_id}",
  description: "Replace a trace. Full replace: omitted fields are cleared (including `test_id`). Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "trace_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Trace id (ULID)."}) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof TraceCreateOrUpdate>>({ $ref: 'TraceCreateOrUpdate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"Trace updated"},
} as const
/** DELETE /api/v1/traces/{trace_id} */
export const deleteTrace = {
  operationId: "deleteTrace",
  method: "DELETE",
  path: "/api/v1/traces/{trace_id}",
  description: "Delete a trace. Deletes the trace. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "trace_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Trace id (ULID)."}) }),
  status: "2XX",
  contentType: "application/json",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"Trace deleted"},
} as const
/** PUT /api/v1/traces/{trace_id}/app-metadata */
export const putTraceAppMetadata = {
  operationId: "putTraceAppMetadata",
  method: "PUT",
  path: "/api/v1/traces/{trace_id}/app-metadata",
  description: "Replace this app's metadata on the trace. Replaces (no merge) this application's metadata on the trace. Any JSON object, at most 1 KB of JSON, nesting depth ≤ 32. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "trace_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Trace id (ULID)."}) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"App metadata updated"},
} as const
/** DELETE /api/v1/traces/{trace_id}/app-metadata */
export const deleteTraceAppMetadata = {
  operationId: "deleteTraceAppMetadata",
  method: "DELETE",
  path: "/api/v1/traces/{trace_id}/app-metadata",
  description: "Delete this app's metadata on the trace. Removes this application's metadata from the trace. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "trace_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Trace id (ULID)."}) }),
  status: "204",
  responseDescription: "Deleted.",
} as const
/** GET /api/v1/tests/ */
export const listTests = {
  operationId: "listTests",
  method: "GET",
  path: "/api/v1/tests/",
  description: "List tests. Physiological tests of the token's user, newest first.",
  requiredScope: "data:read",
  querystring: Type.Object({ "start": Type.Optional(Type.String({"format":"date","description":"Earliest date (`YYYY-MM-DD`; timestamps are rejected)."})), "end": Type.Optional(Type.String({"format":"date","description":"Latest date (`YYYY-MM-DD`)."})), "sport": Type.Optional(Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' }), {"description":"Sport filter; repeat for several (`?sport=cycling&sport=running`): an item matches any of them, and a parent sport matches its sub-sports."})), "tags": Type.Optional(Type.Array(Type.String(), {"description":"Tag filter; repeat for several (`?tags=a&tags=b`): an item must have all of them."})), "limit": Type.Optional(Type.Integer({"minimum":1,"maximum":50,"description":"Page size, at most 50 (the server's maximum for tests)."})), "offset": Type.Optional(Type.Integer({"minimum":0,"default":0,"description":"Number of items to skip. Pagination is `limit`/`offset` only (no cursor, no total); a page shorter than `limit` is the last. Newest first."})), "created_by": Type.Optional(Type.String({"description":"Only tests created by this application (client id)."})) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "A page of tests.",
  response: Type.Array(Type.Unsafe<Static<typeof TestSummary>>({ $ref: 'TestSummary' })),
  responseExample: [{"tags":["lab"],"id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","created_by":"01KJSZJG3Z4ETF7C195H0H6NCJ","title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"app_metadata":null,"start_local":"2026-05-18T17:30:00","end_local":"2026-05-18T18:45:00"}],
} as const
/** POST /api/v1/tests/ */
export const createTest = {
  operationId: "createTest",
  method: "POST",
  path: "/api/v1/tests/",
  description: "Create a test. Creates a test; `end` defaults to `start` + 3 h. Tests created with an app token can only be modified/deleted by that app. Scope: `data:write`.",
  requiredScope: "data:write",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof TestCreate>>({ $ref: 'TestCreate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The created test.",
  response: Type.Unsafe<Static<typeof TestSummary>>({ $ref: 'TestSummary' }),
  responseExample: {"tags":["lab"],"id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","created_by":"01KJSZJG3Z4ETF7C195H0H6NCJ","title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"app_metadata":null,"start_local":"2026-05-18T17:30:00","end_local":"2026-05-18T18:45:00"},
} as const
/** GET /api/v1/tests/{test_id} */
export const getTest = {
  operationId: "getTest",
  method: "GET",
  path: "/api/v1/tests/{test_id}",
  description: "Get a test. One test with its traces and overlapping activities.",
  requiredScope: "data:read",
  querystring: Type.Object({ "traces": Type.Optional(Type.Unsafe<Static<typeof TraceResolution>>({ allOf: [{ $ref: 'TraceResolution' }], ...{"default":"auto","description":"Which traces to include: `auto` or only explicitly `linked` ones."} })) }),
  params: Type.Object({ "test_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Test id (ULID)."}) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The test.",
  response: Type.Unsafe<Static<typeof TestDetails>>({ $ref: 'TestDetails' }),
  responseExample: {"tags":["lab"],"id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","created_by":"01KJSZJG3Z4ETF7C195H0H6NCJ","title":"Lactate step test","sport":"cycling","start":"2026-05-18T15:30:00Z","end":"2026-05-18T16:45:00Z","results":{"first_threshold":{"power":215,"heart_rate":148,"lactate":1.9},"second_threshold":{"power":287,"heart_rate":171,"lactate":4},"heart_rate_max":188},"app_metadata":null,"traces":[{"tags":["step-test"],"id":"01JV8A2B3C4D5E6F7G8H9J0K1M","test_id":"01JV8C9N4P6Q2R8S0T3V5W7XYZ","timestamp":"2026-05-18T16:10:00Z","lactate":2.4,"rpe":6,"notes":"End of step 4","power":280,"speed":null,"heart_rate":162,"vo2":null,"lap":null,"activity":null,"test":null,"test_match":"explicit","sport":"cycling","app_metadata":null,"timestamp_local":"2026-05-18T18:10:00"}],"activities":[],"start_local":"2026-05-18T17:30:00","end_local":"2026-05-18T18:45:00"},
} as const
/** PUT /api/v1/tests/{test_id} */
export const replaceTest = {
  operationId: "replaceTest",
  method: "PUT",
  path: "/api/v1/tests/{test_id}",
  description: "Replace a test. Full replace: omitted fields are cleared. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "test_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Test id (ULID)."}) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof TestUpdate>>({ $ref: 'TestUpdate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"Test updated"},
} as const
/** DELETE /api/v1/tests/{test_id} */
export const deleteTest = {
  operationId: "deleteTest",
  method: "DELETE",
  path: "/api/v1/tests/{test_id}",
  description: "Delete a test. Deletes the test. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "test_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Test id (ULID)."}) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"Test deleted"},
} as const
/** PUT /api/v1/tests/{test_id}/app-metadata */
export const putTestAppMetadata = {
  operationId: "putTestAppMetadata",
  method: "PUT",
  path: "/api/v1/tests/{test_id}/app-metadata",
  description: "Replace this app's metadata on the test. Replaces (no merge) this application's metadata on the test. Any JSON object, at most 1 KB of JSON, nesting depth ≤ 32. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "test_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Test id (ULID)."}) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"App metadata updated"},
} as const
/** DELETE /api/v1/tests/{test_id}/app-metadata */
export const deleteTestAppMetadata = {
  operationId: "deleteTestAppMetadata",
  method: "DELETE",
  path: "/api/v1/tests/{test_id}/app-metadata",
  description: "Delete this app's metadata on the test. Removes this application's metadata from the test. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "test_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Test id (ULID)."}) }),
  status: "204",
  responseDescription: "Deleted.",
} as const
/** GET /api/v1/dailies/{measure} */
export const listDailies = {
  operationId: "listDailies",
  method: "GET",
  path: "/api/v1/dailies/{measure}",
  description: "List a daily measure over a date range. Exactly one row per date from `start` to `end` inclusive. Interpolation per measure: body_mass & body_fat_pct linear + fill; resting_hr, hrv, sleep_duration none; sleep_altitude forward/backward fill; menstrual_cycle_day auto-increment. Gaps (not interpolated) come back with `value: null`, `status: \"missing\"`.",
  requiredScope: "data:read",
  querystring: Type.Object({ "start": Type.String({"format":"date","description":"First date (`YYYY-MM-DD`)."}), "end": Type.String({"format":"date","description":"Last date (`YYYY-MM-DD`), inclusive."}), "interpolate": Type.Optional(Type.Boolean({"description":"Fill gaps per the measure's strategy."})) }),
  params: Type.Object({ "measure": Type.Unsafe<Static<typeof DailyMeasure>>({ allOf: [{ $ref: 'DailyMeasure' }], ...{"description":"The daily measure."} }) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "One row per date.",
  response: Type.Array(Type.Unsafe<Static<typeof DailyResponse>>({ $ref: 'DailyResponse' })),
  responseExample: [{"date":"2026-05-16","value":71.8,"status":"stored","source":"garmin_connect"},{"date":"2026-05-17","value":71.6,"status":"estimated","source":null},{"date":"2026-05-18","value":71.4,"status":"stored","source":"manual"}],
} as const
/** POST /api/v1/dailies/{measure} */
export const upsertDaily = {
  operationId: "upsertDaily",
  method: "POST",
  path: "/api/v1/dailies/{measure}",
  description: "Set a daily value (upsert). Creates or replaces the value for the date. Manual values are never overwritten by integration imports. Scope: `data:write`.",
  requiredScope: "data:write",
  params: Type.Object({ "measure": Type.Unsafe<Static<typeof DailyMeasure>>({ allOf: [{ $ref: 'DailyMeasure' }], ...{"description":"The daily measure."} }) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof DailyCreate>>({ $ref: 'DailyCreate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The stored value.",
  response: Type.Unsafe<Static<typeof DailyResponse>>({ $ref: 'DailyResponse' }),
  responseExample: {"date":"2026-05-18","value":71.4,"status":"stored","source":"manual"},
} as const
/** DELETE /api/v1/dailies/{measure} */
export const deleteDaily = {
  operationId: "deleteDaily",
  method: "DELETE",
  path: "/api/v1/dailies/{measure}",
  description: "Delete a daily value. Deletes the stored value for the date. Scope: `data:write`.",
  requiredScope: "data:write",
  querystring: Type.Object({ "date": Type.String({"format":"date","description":"The date (`YYYY-MM-DD`)."}) }),
  params: Type.Object({ "measure": Type.Unsafe<Static<typeof DailyMeasure>>({ allOf: [{ $ref: 'DailyMeasure' }], ...{"description":"The daily measure."} }) }),
  status: "204",
  responseDescription: "Deleted.",
} as const
/** GET /api/v1/profile/status */
export const getAccountStatus = {
  operationId: "getAccountStatus",
  method: "GET",
  path: "/api/v1/profile/status",
  description: "Get account status (beta). Beta. What the calling app can expect from this account: an issue (if any) and a status per capability. Issues are reported only for the capabilities the app declared. Scope: `data:read` **or** `profile`. Delegated tokens are allowed (then `issue.destination` is always `null`).",
  status: "200",
  contentType: "application/json",
  responseDescription: "The account status.",
  response: Type.Unsafe<Static<typeof AccountStatusResponse>>({ $ref: 'AccountStatusResponse' }),
  responseExample: {"issue":{"code":"no_source_connected","status":"action_required","message":"No data source is connected yet.","destination":"manage-integrations"},"capabilities":{"activities":"action_required","activity_history":"action_required","dailies":"unavailable","workouts":"unavailable"}},
} as const
/** GET /api/v1/profile/sports/ */
export const listProfileSports = {
  operationId: "listProfileSports",
  method: "GET",
  path: "/api/v1/profile/sports/",
  description: "List the user's sports. The OST sport strings the user has activities in.",
  requiredScope: "data:read",
  querystring: Type.Object({ "only_root": Type.Optional(Type.Boolean({"default":false,"description":"Only root sports (e.g. `cycling`)."})) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Sport strings.",
  response: Type.Array(Type.Unsafe<Static<typeof Sport>>({ $ref: 'Sport' })),
  responseExample: ["cycling","cycling.road","cycling+stationary","running","running.trail"],
} as const
/** GET /api/v1/profile/tags/ */
export const listProfileTags = {
  operationId: "listProfileTags",
  method: "GET",
  path: "/api/v1/profile/tags/",
  description: "List the user's tags. All tags the user has used.",
  requiredScope: "data:read",
  status: "200",
  contentType: "application/json",
  responseDescription: "Tags.",
  response: Type.Array(Type.String()),
  responseExample: ["intervals","race","step-test"],
} as const
/** PUT /api/v1/profile/app-metadata */
export const putProfileAppMetadata = {
  operationId: "putProfileAppMetadata",
  method: "PUT",
  path: "/api/v1/profile/app-metadata",
  description: "Replace this app's metadata on the profile (the token's user). Replaces (no merge) this application's metadata on the profile (the token's user). Any JSON object, at most 4 KB of JSON, nesting depth ≤ 32. Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof AppMetadata>>({ $ref: 'AppMetadata' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Done. The `{\"message\": …}` body carries no useful information.",
  response: Type.Unsafe<Static<typeof Message>>({ $ref: 'Message' }),
  responseExample: {"message":"App metadata updated"},
} as const
/** DELETE /api/v1/profile/app-metadata */
export const deleteProfileAppMetadata = {
  operationId: "deleteProfileAppMetadata",
  method: "DELETE",
  path: "/api/v1/profile/app-metadata",
  description: "Delete this app's metadata on the profile (the token's user). Removes this application's metadata from the profile (the token's user). Requires an **application token** (a JWT whose `aud` identifies an app) — any other token, including personal API keys, gets 403. Scope: `data:write`.",
  requiredScope: "data:write",
  status: "204",
  responseDescription: "Deleted.",
} as const
/** GET /api/v1/profile/intensity-duration-model */
export const getIntensityDurationModel = {
  operationId: "getIntensityDurationModel",
  method: "GET",
  path: "/api/v1/profile/intensity-duration-model",
  description: "Get the modelled intensity-duration curve (in development).",
  requiredScope: "data:read",
  querystring: Type.Object({ "sport": Type.Optional(Type.Unsafe<Static<typeof Sport>>({ allOf: [{ $ref: 'Sport' }], ...{"description":"The sport."} })), "metric": Type.Optional(Type.Unsafe<Static<typeof Metric>>({ allOf: [{ $ref: 'Metric' }], ...{"description":"The metric (`power` or `speed`)."} })) }),
  status: "200",
  contentType: "application/json",
  response: Type.Unsafe<Static<typeof IntensityDurationModelResponse>>({ $ref: 'IntensityDurationModelResponse' }),
  responseExample: {"curve":[{"duration":5,"intensity":912},{"duration":60,"intensity":498},{"duration":300,"intensity":341},{"duration":1200,"intensity":296},{"duration":3600,"intensity":268}]},
} as const
/** GET /api/v1/users/ */
export const listUsers = {
  operationId: "listUsers",
  method: "GET",
  path: "/api/v1/users/",
  description: "List users you can access.",
  requiredScope: "data:read",
  querystring: Type.Object({ "include_managed": Type.Optional(Type.Boolean({"default":true,"description":"Include managed users."})), "include_shared": Type.Optional(Type.Boolean({"default":true,"description":"Include users who shared their data with you."})) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Users.",
  response: Type.Array(Type.Unsafe<Static<typeof UserSummary>>({ $ref: 'UserSummary' })),
  responseExample: [{"id":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","first_name":"Alice","last_name":"Anderson","scopes":["data:read","data:write"],"display_name":"Alice Anderson","is_managed":false},{"id":"01JW2K4M6N8P0Q2R4S6T8V0W2X","first_name":"Bob","last_name":null,"scopes":["data:read","data:write"],"display_name":"Bob","is_managed":true}],
} as const
/** POST /api/v1/users/ */
export const createManagedUser = {
  operationId: "createManagedUser",
  method: "POST",
  path: "/api/v1/users/",
  description: "Create a managed user. Creates a managed user (no login) you manage.",
  requiredScope: "data:write",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof ManagedUserCreate>>({ $ref: 'ManagedUserCreate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The managed user.",
  response: Type.Unsafe<Static<typeof UserResponse>>({ $ref: 'UserResponse' }),
  responseExample: {"id":"01JW2K4M6N8P0Q2R4S6T8V0W2X","first_name":"Bob","last_name":null,"admin":false,"registered_at":"2026-05-18T19:20:00Z","display_name":"Bob","is_managed":true},
} as const
/** GET /api/v1/users/{user_id} */
export const getManagedUser = {
  operationId: "getManagedUser",
  method: "GET",
  path: "/api/v1/users/{user_id}",
  description: "Get a managed user. Managed users only; any other user → 404.",
  requiredScope: "profile",
  params: Type.Object({ "user_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Managed user id (ULID)."}) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The managed user.",
  response: Type.Unsafe<Static<typeof UserResponse>>({ $ref: 'UserResponse' }),
  responseExample: {"id":"01JW2K4M6N8P0Q2R4S6T8V0W2X","first_name":"Bob","last_name":null,"admin":false,"registered_at":"2026-05-18T19:20:00Z","display_name":"Bob","is_managed":true},
} as const
/** PUT /api/v1/users/{user_id} */
export const updateManagedUser = {
  operationId: "updateManagedUser",
  method: "PUT",
  path: "/api/v1/users/{user_id}",
  description: "Update a managed user. Partial update (**form-urlencoded**): only the fields given change. Managed users only.",
  requiredScope: "data:write",
  params: Type.Object({ "user_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Managed user id (ULID)."}) }),
  bodyContentType: "application/x-www-form-urlencoded",
  body: Type.Unsafe<Static<typeof ManagedUserUpdate>>({ $ref: 'ManagedUserUpdate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The updated user.",
  response: Type.Unsafe<Static<typeof UserResponse>>({ $ref: 'UserResponse' }),
  responseExample: {"id":"01JW2K4M6N8P0Q2R4S6T8V0W2X","first_name":"Bob","last_name":"Berg","admin":false,"registered_at":"2026-05-18T19:20:00Z","display_name":"Bob Berg","is_managed":true},
} as const
/** DELETE /api/v1/users/{user_id} */
export const deleteManagedUser = {
  operationId: "deleteManagedUser",
  method: "DELETE",
  path: "/api/v1/users/{user_id}",
  description: "Delete a managed user and all their data. Deletes the managed user **and all their data**. Managed users only.",
  requiredScope: "data:write",
  params: Type.Object({ "user_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Managed user id (ULID)."}) }),
  status: "2XX",
} as const
/** GET /api/v1/teams/ */
export const listTeams = {
  operationId: "listTeams",
  method: "GET",
  path: "/api/v1/teams/",
  description: "List your teams. Teams you own or are a member of.",
  requiredScope: "data:read",
  status: "200",
  contentType: "application/json",
  responseDescription: "Teams.",
  response: Type.Array(Type.Unsafe<Static<typeof TeamResponse>>({ $ref: 'TeamResponse' })),
  responseExample: [{"id":"01JM3T5E7A9M1B3C5D7E9F1G3H","name":"Nordic Endurance Lab","description":"Coaching team of the Nordic Endurance Lab.","url":"https://example.com/","image":"https://example.com/logo.png","privacy_statement":"https://example.com/privacy","role":"owner"}],
} as const
/** GET /api/v1/teams/{team_id}/users */
export const listTeamUsers = {
  operationId: "listTeamUsers",
  method: "GET",
  path: "/api/v1/teams/{team_id}/users",
  description: "List a team's users. Users who authorised the team; team members only.",
  requiredScope: "data:read",
  params: Type.Object({ "team_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Team id (ULID)."}) }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Users.",
  response: Type.Array(Type.Unsafe<Static<typeof UserSummary>>({ $ref: 'UserSummary' })),
  responseExample: [{"id":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","first_name":"Alice","last_name":"Anderson","scopes":["data:read","data:write"],"display_name":"Alice Anderson","is_managed":false}],
} as const
/** GET /api/v1/teams/authorized */
export const listAuthorizedTeams = {
  operationId: "listAuthorizedTeams",
  method: "GET",
  path: "/api/v1/teams/authorized",
  description: "List teams you authorised. Teams you have authorised to access your data.",
  requiredScope: "data:read",
  status: "200",
  contentType: "application/json",
  responseDescription: "Authorised teams.",
  response: Type.Array(Type.Unsafe<Static<typeof AuthorizedTeamResponse>>({ $ref: 'AuthorizedTeamResponse' })),
  responseExample: [{"id":"01JM3T5E7A9M1B3C5D7E9F1G3H","name":"Nordic Endurance Lab","description":"Coaching team of the Nordic Endurance Lab.","url":"https://example.com/","image":"https://example.com/logo.png","privacy_statement":"https://example.com/privacy","scopes":["data:read"]}],
} as const
/** POST /api/v1/teams/{team_id}/authorize */
export const authorizeTeam = {
  operationId: "authorizeTeam",
  method: "POST",
  path: "/api/v1/teams/{team_id}/authorize",
  description: "Authorise a team to access your data. Grants the team the given scopes on your data.",
  requiredScope: "data:read",
  params: Type.Object({ "team_id": Type.String({"minLength":1,"maxLength":64,"pattern":"^[A-Za-z0-9_-]+$","description":"Team id (ULID)."}) }),
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof AuthorizeTeamRequest>>({ $ref: 'AuthorizeTeamRequest' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The grant.",
  response: Type.Unsafe<Static<typeof AuthorizeTeamResponse>>({ $ref: 'AuthorizeTeamResponse' }),
  responseExample: {"team_id":"01JM3T5E7A9M1B3C5D7E9F1G3H","user_id":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","scopes":["data:read"]},
} as const
/** GET /oauth/authorize */
export const authorize = {
  operationId: "authorize",
  method: "GET",
  path: "/oauth/authorize",
  description: "Start the OAuth authorization (browser redirect). Browser navigation (note: **no** `/api/v1` prefix). Shows SweatStack's sign-in/consent UI and finally redirects to `redirect_uri` with `code` and `state`. New apps are private: only the owner's account can complete the flow until the app goes live. The consent form posts back to `POST /oauth/authorize`, which is part of the server-rendered UI and not documented here.",
  querystring: Type.Object({ "client_id": Type.String({"minLength":1}), "redirect_uri": Type.Optional(Type.String({"description":"Must match a registered redirect URI (prefix/sub-URL match; http, https and custom schemes). An app with none registered may use `http://localhost` / `http://127.0.0.1` on any port."})), "scope": Type.Optional(Type.String({"minLength":1,"examples":["data:read profile","data:read,profile"],"description":"Requested scopes (`list[Scope]`, at least one). Wire format: space-separated or comma-separated."})), "state": Type.Optional(Type.String({"description":"Opaque value echoed back to `redirect_uri`."})), "nonce": Type.Optional(Type.String({"description":"OIDC nonce."})), "code_challenge": Type.Optional(Type.String({"description":"PKCE challenge: base64url(SHA-256(verifier)) without padding."})), "code_challenge_method": Type.Optional(Type.String({"examples":["S256"],"description":"PKCE method; clients always use `S256`."})), "prompt": Type.Optional(Type.Unsafe<Static<typeof Prompt>>({ allOf: [{ $ref: 'Prompt' }], ...{"default":"consent","description":"Default `consent`. SweatStack clients send `none` to avoid a second consent screen."} })), "user_flow": Type.Optional(Type.Unsafe<Static<typeof UserFlow>>({ allOf: [{ $ref: 'UserFlow' }], ...{"default":"session","description":"SweatStack-specific flow selector."} })), "email_auth_mode": Type.Optional(Type.Unsafe<Static<typeof EmailAuthMode>>({ allOf: [{ $ref: 'EmailAuthMode' }], ...{"default":"enabled","description":"SweatStack-specific e-mail sign-in mode."} })), "integration": Type.Optional(Type.Unsafe<Static<typeof IntegrationName>>({ allOf: [{ $ref: 'IntegrationName' }], ...{"description":"SweatStack Connect: sign in via a wearable."} })), "response_type": Type.Optional(Type.String({"examples":["code"]})) }),
  status: "200",
  contentType: "text/html",
} as const
/** POST /api/v1/oauth/token */
export const requestToken = {
  operationId: "requestToken",
  method: "POST",
  path: "/api/v1/oauth/token",
  description: "Exchange a code or refresh token for tokens. Grants `authorization_code` (with `code`, `client_id`, and `client_secret` or PKCE `code_verifier`) and `refresh_token`. No Bearer token: client credentials go in the form body **or** as HTTP Basic (`Authorization: Basic base64(client_id:client_secret)`; the server's reference lists an `HTTPBasic` header parameter; StreamlitAuth sends both). Refresh tokens are not rotated today. A delegated token pair is refreshed here with the app's own client credentials.",
  bodyContentType: "application/x-www-form-urlencoded",
  body: Type.Unsafe<Static<typeof TokenRequest>>({ $ref: 'TokenRequest' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Tokens.",
  response: Type.Unsafe<Static<typeof TokenResponse>>({ $ref: 'TokenResponse' }),
  responseExample: {"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMUpROE0yWjZXNEs3VDNOOUI1WDFDMERBRSIsImF1ZCI6IjAxS0pTWkpHM1o0RVRGN0MxOTVIMEg2TkNKIiwiZXhwIjoxNzc5MTE4NjIwfQ.c2lnbmF0dXJlLW5vdC12ZXJpZmllZC1pbi10aGUtZXhhbXBsZQ","token_type":"Bearer","expires_in":900,"refresh_token":"rt_6Jk2Qm9Xw4Zp1Nv8Tb3Rc7Yd","scope":"data:read profile","id_token":null},
} as const
/** GET /api/v1/oauth/userinfo */
export const getUserInfo = {
  operationId: "getUserInfo",
  method: "GET",
  path: "/api/v1/oauth/userinfo",
  description: "Get the signed-in user's info. OIDC-style user info of the token's user. Scope: `profile` (401/403 otherwise). `issue` is beta; its `destination` is always `null` on delegated tokens.",
  requiredScope: "profile",
  status: "200",
  contentType: "application/json",
  responseDescription: "User info.",
  response: Type.Unsafe<Static<typeof UserInfoResponse>>({ $ref: 'UserInfoResponse' }),
  responseExample: {"sub":"01JQ8M2Z6W4K7T3N9B5X1C0DAE","name":"Alice Anderson","given_name":"Alice","family_name":"Anderson","email":"a@example.com","registered_at":"2025-01-01T00:00:00Z","issue":{"code":"no_source_connected","status":"action_required","message":"No data source is connected yet.","destination":"manage-integrations"}},
} as const
/** POST /api/v1/oauth/delegated-token */
export const createDelegatedToken = {
  operationId: "createDelegatedToken",
  method: "POST",
  path: "/api/v1/oauth/delegated-token",
  description: "Get tokens to act as another user (coach → athlete). Bearer = the principal's access token. Returns a token pair for user `sub`, directly shared or via `team_id`. The delegated pair has its own refresh token.",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof DelegatedTokenRequest>>({ $ref: 'DelegatedTokenRequest' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "Tokens for the target user.",
  response: Type.Unsafe<Static<typeof TokenResponse>>({ $ref: 'TokenResponse' }),
  responseExample: {"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMUpROE0yWjZXNEs3VDNOOUI1WDFDMERBRSIsImF1ZCI6IjAxS0pTWkpHM1o0RVRGN0MxOTVIMEg2TkNKIiwiZXhwIjoxNzc5MTE4NjIwfQ.c2lnbmF0dXJlLW5vdC12ZXJpZmllZC1pbi10aGUtZXhhbXBsZQ","token_type":"Bearer","expires_in":900,"refresh_token":"rt_6Jk2Qm9Xw4Zp1Nv8Tb3Rc7Yd","scope":"data:read profile","id_token":null},
} as const
/** GET /api/v1/oauth/principal-token */
export const getPrincipalToken = {
  operationId: "getPrincipalToken",
  method: "GET",
  path: "/api/v1/oauth/principal-token",
  description: "Get tokens of the signed-in principal. Bearer = a delegated (or principal) token. Returns tokens of the signed-in principal (back from acting as another user).",
  status: "200",
  contentType: "application/json",
  responseDescription: "Tokens for the principal.",
  response: Type.Unsafe<Static<typeof TokenResponse>>({ $ref: 'TokenResponse' }),
  responseExample: {"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMUpROE0yWjZXNEs3VDNOOUI1WDFDMERBRSIsImF1ZCI6IjAxS0pTWkpHM1o0RVRGN0MxOTVIMEg2TkNKIiwiZXhwIjoxNzc5MTE4NjIwfQ.c2lnbmF0dXJlLW5vdC12ZXJpZmllZC1pbi10aGUtZXhhbXBsZQ","token_type":"Bearer","expires_in":900,"refresh_token":"rt_6Jk2Qm9Xw4Zp1Nv8Tb3Rc7Yd","scope":"data:read profile","id_token":null},
} as const
/** POST /api/v1/portal/sessions */
export const createPortalSession = {
  operationId: "createPortalSession",
  method: "POST",
  path: "/api/v1/portal/sessions",
  description: "Create a SweatStack Portal session (beta). Beta. Send the user to the returned URL. Old servers took no Bearer token and `client_id` (+ `client_secret`) in the body.",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof PortalSessionRequest>>({ $ref: 'PortalSessionRequest' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The Portal session.",
  response: Type.Unsafe<Static<typeof PortalSessionResponse>>({ $ref: 'PortalSessionResponse' }),
  responseExample: {"url":"https://app.sweatstack.no/portal/s/3f9a1c7e2b"},
} as const
/** POST /api/v1/workouts/schedule */
export const scheduleWorkout = {
  operationId: "scheduleWorkout",
  method: "POST",
  path: "/api/v1/workouts/schedule",
  description: "Schedule a workout (beta). Beta. Schedules an SWF workout on the user's calendar and delivers it to connected integrations. Supported today: running only, speed intensity, duration/distance volume; anything else → 422. Scope: `data:write`.",
  requiredScope: "data:write",
  bodyContentType: "application/json",
  body: Type.Unsafe<Static<typeof ScheduledWorkoutCreate>>({ $ref: 'ScheduledWorkoutCreate' }),
  status: "200",
  contentType: "application/json",
  responseDescription: "The scheduled workout.",
  response: Type.Unsafe<Static<typeof ScheduledWorkoutCreateResponse>>({ $ref: 'ScheduledWorkoutCreateResponse' }),
  responseExample: {"id":"01JX5Y7Z9A1B3C5D7E9F1G3H5J","sport":"running","start":"2026-05-21T07:00:00","swf":{"version":"0.4.0","title":"6×3 min","sport":"running","content":[{"type":"section","phase":"warmup","content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":600},"intensity":{"type":"range","quantity":"speed","min":2.8,"max":3.1}}]},{"type":"repeat","count":6,"content":[{"type":"step","effort":"work","volume":{"type":"constant","quantity":"duration","value":180},"intensity":{"type":"constant","quantity":"speed","value":{"percent":105,"of":"threshold_speed"}}},{"type":"step","effort":"rest","volume":{"type":"constant","quantity":"duration","value":90}}]},{"type":"note","text":"Easy jog home."}]},"parameters":{"threshold_speed":4.2},"application_id":"01KJSZJG3Z4ETF7C195H0H6NCJ","application_name":"My Coaching App","deliveries":[{"integration":"garmin_connect","status":"pending","reason":null,"detail":null,"updated_at":"2026-05-18T19:30:00Z"}],"warnings":[]},
} as const
