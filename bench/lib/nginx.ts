// nginx from Debian's packages, for two parts of the bench that nothing of this project may be:
//   - the fast upstream (fast-upstream mode's A): the JSON list and the Parquet file as fixed bytes,
//     everything else (sign-in, tokens) passed to the sandbox, so C still signs in for real;
//   - D: nginx `proxy_pass` to the upstream, the cookie dropped and a bearer token added, the
//     thinnest proxy there is.
// One nginx process, one worker (the Node proxies have one thread each), its files in a fresh folder.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort, track, waitForOk } from './processes.ts'
import type { Child } from './processes.ts'

export const NGINX = process.env.BENCH_NGINX ?? '/usr/sbin/nginx'

export interface FixedAnswers {
  /** The JSON list's bytes, served at `GET /api/v1/activities/` whatever the query. */
  json: Buffer
  /** One activity's Parquet, served at `GET /api/v1/activities/{id}/data` for any id. */
  parquet: Buffer
}

export interface Nginx {
  child: Child
  /** The fast upstream (when started with fixed answers). */
  staticUrl?: string
  /** D: proxy_pass to `proxied`, bearer token added. */
  proxyUrl: string
  folder: string
}

/** `nginx/1.22.1`; throws a clear error when there is no nginx. */
export function nginxVersion (): string {
  const result = spawnSync(NGINX, ['-v'], { encoding: 'utf8' })
  const version = /nginx\/[\d.]+/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)?.[0]
  if (version === undefined) throw new Error(`the bench needs nginx (${NGINX}): apt-get install nginx-light, or set BENCH_NGINX`)
  return version
}

/**
 * Starts nginx with D (proxying to `proxied`, or to its own fast upstream when `answers` is given)
 * and, with `answers`, the fast upstream, whose other paths go to `fallback` (the sandbox).
 */
export async function startNginx (options: { fallback: string, token: string, answers?: FixedAnswers, proxied?: string }): Promise<Nginx> {
  nginxVersion()
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-nginx-'))
  // The worker may run as nobody when the bench runs as root: everything it reads must be readable.
  chmodSync(folder, 0o755)
  const staticPort = options.answers === undefined ? undefined : await freePort()
  const proxyPort = await freePort()
  if (options.answers !== undefined) {
    writeFileSync(path.join(folder, 'activities.json'), options.answers.json, { mode: 0o644 })
    writeFileSync(path.join(folder, 'activity.parquet'), options.answers.parquet, { mode: 0o644 })
  }
  const proxied = staticPort === undefined ? options.proxied! : `http://127.0.0.1:${staticPort}`
  const fallback = new URL(options.fallback)
  const config = `
worker_processes 1;
daemon off;
pid ${folder}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${folder}/body;
  proxy_temp_path ${folder}/proxy;
  fastcgi_temp_path ${folder}/fastcgi;
  uwsgi_temp_path ${folder}/uwsgi;
  scgi_temp_path ${folder}/scgi;
  types { application/json json; application/vnd.apache.parquet parquet; }
  keepalive_requests 1000000;
  upstream proxied { server ${new URL(proxied).host}; keepalive 64; }
  upstream fallback { server ${fallback.host}; keepalive 16; }
${staticPort === undefined
  ? ''
  : `  server {
    listen 127.0.0.1:${staticPort};
    root ${folder};
    location = /api/v1/activities/ { try_files /activities.json =404; }
    location ~ ^/api/v1/activities/[A-Za-z0-9_-]+/data$ { try_files /activity.parquet =404; }
    location / {
      proxy_pass http://fallback;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${fallback.host};
      proxy_max_temp_file_size 0;
    }
  }
`}  server {
    listen 127.0.0.1:${proxyPort};
    location /api/v1/ {
      proxy_pass http://proxied;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Cookie "";
      proxy_set_header Authorization "Bearer ${options.token}";
      proxy_max_temp_file_size 0;
    }
    location = /ready { default_type application/json; return 200 '{"status":"ready"}'; }
  }
}
`
  const configFile = path.join(folder, 'nginx.conf')
  writeFileSync(configFile, config, { mode: 0o644 })
  const child = track('nginx', spawn(NGINX, ['-p', folder, '-c', configFile, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] }))
  child.exited.then(() => rmSync(folder, { recursive: true, force: true }), () => {})
  const proxyUrl = `http://127.0.0.1:${proxyPort}`
  await waitForOk(`${proxyUrl}/ready`, 10_000, child)
  return { child, proxyUrl, folder, ...(staticPort === undefined ? {} : { staticUrl: `http://127.0.0.1:${staticPort}` }) }
}
