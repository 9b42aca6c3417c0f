import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const w = +process.argv[3] || 1280;
const p = await b.newPage({ viewport: { width: w, height: 900 } });
const errs = [];
p.on('console', m => { if (m.type() === 'error') errs.push(m.text()); });
p.on('pageerror', e => errs.push(String(e)));
await p.goto('file://' + process.argv[2] + '/index.html');
await p.waitForSelector('body[data-charts]', { timeout: 5000 }).catch(e => errs.push('no charts ' + e.message));
console.log('drawn at', await p.evaluate(() => window.negcheckChartsDrawnAt));
for (const sel of (process.argv[4] || '').split(',').filter(Boolean)) {
  const y = await p.evaluate(s => document.querySelector(s).getBoundingClientRect().top + window.scrollY, sel);
  await p.screenshot({ path: `/tmp/sec-${sel.replace('#','')}.png`, fullPage: true, clip: { x: 0, y, width: w, height: 1000 } });
}
console.log(errs);
await b.close();
