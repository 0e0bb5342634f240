import t from 'tap'
import { configFromEnvironment, exitIfPortTaken } from '../../src/server.ts'

// The e2e test (test/e2e/quick-start.test.ts) proves it through `npm start`; this covers it in-process.
t.test('a port in use: one line naming the variable, exit 1; any other listen error goes on', async t => {
  const printed: string[] = []
  const exits: Array<number | string | null | undefined> = []
  const { error } = console
  const { exit } = process
  console.error = (line: string) => { printed.push(line) }
  process.exit = ((code?: number) => { exits.push(code); throw new Error('exited') }) as typeof process.exit
  t.teardown(() => { console.error = error; process.exit = exit })

  t.throws(() => exitIfPortTaken(38021, 'SANDBOX_PORT')(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })), /exited/)
  t.same(exits, [1], 'exits with 1')
  t.same(printed, ['Port 38021 is already in use: stop what is listening there, or set SANDBOX_PORT to a free port (in the environment or .env).'])

  const other = Object.assign(new Error('listen EACCES'), { code: 'EACCES' })
  t.throws(() => exitIfPortTaken(80, 'PORT')(other), other, 'another error is thrown on, as it was')
  t.same(exits, [1], 'without exiting')
})

t.test('a bad setting at start: every problem printed, exit 1, no stack trace', async t => {
  const printed: string[] = []
  const exits: Array<number | string | null | undefined> = []
  const { error } = console
  const { exit } = process
  const saved = { PORT: process.env.PORT, FRONTEND_PORT: process.env.FRONTEND_PORT }
  console.error = (line: string) => { printed.push(line) }
  process.exit = ((code?: number) => { exits.push(code); throw new Error('exited') }) as typeof process.exit
  t.teardown(() => {
    console.error = error
    process.exit = exit
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
  process.env.PORT = 'eighty'
  process.env.FRONTEND_PORT = '0'
  t.throws(() => configFromEnvironment(), /exited/)
  t.same(exits, [1])
  t.match(printed.join('\n'), /PORT[\s\S]*FRONTEND_PORT/, 'both problems, in one message')
})
