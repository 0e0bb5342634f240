// A 390x844 phone: every screen fits the width (nothing to scroll sideways, nothing cut off), "Sign out"
// can be reached, and chart labels are big enough to read.
import type { Page } from 'playwright-core'
import type { Test } from 'tap'
import { alice, browserTest, checkClean, coach, signInThroughSandbox, startBrowserStack } from './helper.ts'

const PHONE = { width: 390, height: 844 }
/** The smallest chart label, in CSS pixels on screen, that is still comfortable to read. */
const MIN_LABEL_PX = 11

/**
 * What sticks out to the right of the viewport: the document's scroll width, and every visible element
 * whose box ends past the right edge, unless an ancestor scrolls sideways on purpose (overflow-x: auto
 * or scroll). An ancestor that clips (overflow: hidden) is no excuse: clipped content is cut off.
 */
async function horizontalOverflow (page: Page): Promise<{ scrollWidth: number, innerWidth: number, sticking: string[] }> {
  return page.evaluate(() => {
    const scrollsSideways = (element: Element): boolean => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX)
    const inScroller = (element: Element): boolean => {
      for (let parent = element.parentElement; parent !== null; parent = parent.parentElement) {
        if (scrollsSideways(parent)) return true
      }
      return false
    }
    const describe = (element: Element): string => {
      const testid = element.getAttribute('data-testid')
      const classes = typeof element.className === 'string' && element.className !== '' ? `.${element.className.split(' ').join('.')}` : ''
      return `${element.tagName.toLowerCase()}${testid === null ? '' : `[data-testid=${testid}]`}${classes} "${(element.textContent ?? '').trim().slice(0, 30)}"`
    }
    const sticking: string[] = []
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect()
      if (box.width === 0 || box.height === 0 || box.right <= window.innerWidth + 0.5) continue
      if (getComputedStyle(element).visibility === 'hidden' || inScroller(element)) continue
      sticking.push(`${describe(element)} ends at ${Math.round(box.right)} px`)
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, sticking }
  })
}

async function checkFits (t: Test, page: Page, screen: string): Promise<void> {
  const { scrollWidth, innerWidth, sticking } = await horizontalOverflow(page)
  t.ok(scrollWidth <= innerWidth, `${screen}: the page is no wider than the phone (${scrollWidth} <= ${innerWidth} px)`)
  t.same(sticking, [], `${screen}: nothing sticks out to the right`)
}

/** The on-screen size of the smallest label in each chart: its font size times the SVG's scale. */
async function smallestChartLabels (page: Page): Promise<Record<string, number>> {
  return page.locator('svg.chart').evaluateAll(charts => Object.fromEntries(charts.map(chart => {
    const svg = chart as SVGSVGElement
    const matrix = svg.getScreenCTM()
    const scale = matrix === null ? 0 : Math.min(Math.abs(matrix.a), Math.abs(matrix.d))
    const sizes = [...svg.querySelectorAll('text')].map(text => parseFloat(getComputedStyle(text).fontSize) * scale)
    return [svg.getAttribute('data-testid') ?? 'chart', Math.min(...sizes)]
  })))
}

async function checkChartLabels (t: Test, page: Page, screen: string): Promise<void> {
  const labels = await smallestChartLabels(page)
  t.ok(Object.keys(labels).length > 0, `${screen}: has charts`)
  for (const [chart, px] of Object.entries(labels)) t.ok(px >= MIN_LABEL_PX, `${screen}: the labels of ${chart} are ${px.toFixed(1)} px on screen (at least ${MIN_LABEL_PX})`)
}

browserTest('on a 390 px phone every screen fits the width, Sign out is reachable, and chart labels are readable', async t => {
  const stack = await startBrowserStack(t, { browser: { viewport: PHONE, mobile: true } })
  const { page } = stack

  await page.goto(stack.frontendUrl + '/')
  await page.getByTestId('sign-in').waitFor()
  await checkFits(t, page, 'sign-in')
  await stack.screenshot('phone-sign-in')

  await signInThroughSandbox(stack, alice)
  await page.getByTestId('activity-row').first().waitFor()
  await checkFits(t, page, 'activities')
  await stack.screenshot('phone-activities')

  const signOut = page.getByTestId('sign-out')
  const box = await signOut.boundingBox()
  t.ok(box !== null && box.x >= 0 && box.x + box.width <= PHONE.width, `Sign out is inside the screen (${JSON.stringify(box)})`)

  await page.goto(`${stack.frontendUrl}/#/?sport=cycling.road`)
  await page.getByTestId('activity-row').first().getByRole('link').click()
  await page.getByTestId('chart-power').waitFor()
  await page.getByTestId('chart-mean-max').waitFor()
  await page.getByTestId('loading').waitFor({ state: 'detached' })
  await checkFits(t, page, 'activity')
  await checkChartLabels(t, page, 'activity')
  await stack.screenshot('phone-activity')

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dailies' }).click()
  await page.getByTestId('chart-daily').waitFor()
  await checkFits(t, page, 'dailies')
  await checkChartLabels(t, page, 'dailies')
  await stack.screenshot('phone-dailies')

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Upload' }).click()
  await page.getByLabel('Choose .fit or .csv files').setInputFiles({ name: 'a-long-file-name-from-a-garmin-device-2026-05-18-17-32-00.fit', mimeType: 'application/octet-stream', buffer: Buffer.alloc(64 * 1024, 1) })
  await page.getByRole('button', { name: 'Upload', exact: true }).click()
  await page.getByTestId('source-status').first().waitFor()
  await checkFits(t, page, 'upload')
  await stack.screenshot('phone-upload')

  // Clickable: Playwright clicks only what is visible, inside the viewport and not covered.
  await signOut.click()
  await page.getByTestId('message-signed-out').waitFor()
  await checkFits(t, page, 'signed out')

  // A coach's top bar has the athlete picker too, and coach mode a banner.
  await signInThroughSandbox(stack, coach)
  await page.getByLabel('Viewing').selectOption({ label: alice.name })
  await page.getByTestId('selected-athlete').filter({ hasText: alice.name }).waitFor()
  await page.getByTestId('activity-row').first().waitFor()
  await checkFits(t, page, 'coach mode')
  await stack.screenshot('phone-coach-mode')
  await page.getByTestId('sign-out').click()
  await page.getByTestId('message-signed-out').waitFor()
  checkClean(t, stack)
})
