// Runs pa11y (WCAG2AA; its HTML_CodeSniffer and axe runners) over pages of the local site in one
// Chromium, for tests/browser/test_pa11y.py. Reads on stdin
//   {"chromeLaunchConfig": {...}, "viewport": {...}, "timeoutMs": N,
//    "pages": [{"url": "...", "scheme": "light" | "dark"}]}
// and prints on stdout one JSON list: per page its url, the emulated scheme, the palette Material chose
// (body[data-md-color-scheme]) and pa11y's issues (errors only: warnings and notices are judgement calls).
//
// Why the page is opened here and handed to pa11y (ignoreUrl): pa11y cannot emulate a colour scheme, and
// Material picks its first palette (light) or second (slate, dark) from prefers-color-scheme in a fresh
// profile; the page must also be settled (no colour transition running) before contrast is measured.
// Chromium is Debian's, from chromeLaunchConfig.executablePath: Puppeteer never downloads a browser
// (PUPPETEER_SKIP_DOWNLOAD=1 at install).
'use strict';

const pa11y = require('pa11y');
const puppeteer = require('puppeteer');

async function readStdin() {
	const chunks = [];
	for await (const chunk of process.stdin) {
		chunks.push(chunk);
	}
	return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function settle(page, timeout) {
	// every finite CSS transition or animation has ended: colours are final
	await page.waitForFunction(
		() => document.getAnimations().every(a => a.playState !== 'running' ||
			a.effect.getComputedTiming().endTime === Infinity),
		{timeout}
	);
}

async function check(browser, request, {url, scheme}) {
	const {viewport} = request;
	const page = await browser.newPage();
	try {
		await page.setViewport(viewport);
		await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: scheme}]);
		await page.goto(url, {waitUntil: 'networkidle2', timeout: request.timeoutMs});
		// draw every block left undrawn until it nears the screen (casebook.css, content-visibility), as
		// casebook.js does at the first jump within a page: axe cannot measure the contrast of undrawn text
		await page.evaluate(() => document.documentElement.classList.add('cb-drawn'));
		await settle(page, request.timeoutMs);
		const palette = await page.evaluate(() => document.body.dataset.mdColorScheme || '');
		const result = await pa11y(url, {
			browser,
			page,
			ignoreUrl: true,
			viewport,
			standard: 'WCAG2AA',
			runners: ['htmlcs', 'axe'],
			includeWarnings: false,
			includeNotices: false,
			timeout: request.timeoutMs
		});
		const issues = result.issues.map(issue => ({
			runner: issue.runner,
			code: issue.code,
			message: issue.message,
			selector: issue.selector,
			// axe's "needs review" (incomplete): axe could not decide, e.g. the contrast of one character
			review: Boolean(issue.runnerExtras && issue.runnerExtras.needsFurtherReview),
			context: (issue.context || '').slice(0, 200)
		}));
		return {url, scheme, palette, issues};
	} finally {
		await page.close();
	}
}

async function main() {
	const request = await readStdin();
	const browser = await puppeteer.launch(request.chromeLaunchConfig);
	try {
		const results = [];
		for (const target of request.pages) {
			results.push(await check(browser, request, target));
		}
		process.stdout.write(JSON.stringify(results));
	} finally {
		await browser.close();
	}
}

main().catch(error => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
