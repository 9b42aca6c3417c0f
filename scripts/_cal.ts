import { plantedTree } from '/work/wt-bench/scripts/bench-plant.ts';
import { spawnSync } from 'node:child_process';
const kind = process.argv[2] as 'translate' | 'vdpa-reset';
const repo = '/work/wt-bench';
const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
const t = plantedTree(repo, head, kind);
const onSig = () => { t.remove(); process.exit(130); }; process.on('SIGINT', onSig);
try {
  const r = spawnSync(process.execPath, [`${t.dir}/bin/negcheck.js`, 'bench', '--against', head, ...process.argv.slice(3)], { encoding: 'utf8', stdio: 'inherit' });
} finally { t.remove(); }
