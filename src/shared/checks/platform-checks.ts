/** §8 Platform: B01 (passive SMI counting; the hwlatdetect measurement is L04) and B02. */
import type { CheckDefinition } from './definition';
import { grepH, lines } from './parse';
import * as P from './probes';
import { textRemedy } from './remedies';

const b01: CheckDefinition = {
  id: 'B01',
  slug: 'smi-hwlat',
  title: 'No System Management Interrupts (10 s)',
  group: 'platform',
  probes: [P.smiCount],
  why: 'An SMI stops every core, RT cores included, for the firmware’s handler (tens of µs to ms) and Linux cannot see or prevent it.',
  evaluate(ev) {
    const text = ev.stdout(P.smiCount);
    if (/^vendor=not-intel$/m.test(text)) {
      return { verdict: 'skip', skipReason: 'not applicable', summary: 'not an Intel CPU: no MSR_SMI_COUNT (measure with hwlatdetect, L04)' };
    }
    if (/^msr=absent$/m.test(text)) {
      return { verdict: 'skip', skipReason: 'tool missing', tool: 'msr', summary: '/dev/cpu/0/msr absent: msr module not loaded' };
    }
    const samples = [...text.matchAll(/^smi=(\d*) at=([\d.]+)$/gm)].map((m) => ({ count: m[1] === '' ? null : Number(m[1]), at: Number(m[2]) }));
    const [a, b] = samples;
    if (!a || !b || a.count === null || b.count === null) {
      const reason = lines(ev.get(P.smiCount)?.stderr ?? '').find((l) => l.trim() !== '') ?? 'no value';
      return { verdict: 'skip', skipReason: 'not applicable', summary: `MSR_SMI_COUNT not readable (${reason.trim()}; virtual machine?)` };
    }
    const seconds = b.at > a.at ? b.at - a.at : 10;
    const delta = b.count - a.count;
    const facts = `MSR_SMI_COUNT ${a.count} → ${b.count} over ${seconds.toFixed(1)} s`;
    if (delta > 0) {
      return {
        verdict: 'warn',
        summary: `${delta} SMIs: ${facts}`,
        remediation: textRemedy(
          'Measure their duration with hwlatdetect (L04) and reduce them in the BIOS: legacy USB emulation off, unneeded ME/AMT features off, ECC scrubbing/thermal SMIs where the vendor allows, C/P-states per C04/C06, Intel TCC mode if offered, current firmware.',
        ),
      };
    }
    return { verdict: 'pass', summary: `no SMI: ${facts}` };
  },
};

const b02: CheckDefinition = {
  id: 'B02',
  slug: 'platform-inventory',
  title: 'Platform inventory (recorded)',
  group: 'platform',
  probes: [P.dmi],
  why: 'Recorded so the report can be compared against the approved-hardware list.',
  evaluate(ev) {
    const map = grepH(ev.stdout(P.dmi));
    const get = (name: string): string | undefined => map.get(`/sys/class/dmi/id/${name}`)?.trim();
    const cpu = map.get('/proc/cpuinfo')?.replace(/^model name\s*:\s*/, '').trim();
    const cpuText = cpu ? `; CPU ${cpu}` : '';
    if (!get('sys_vendor') && !get('product_name')) return { verdict: 'pass', summary: `DMI not available (virtual machine without SMBIOS?)${cpuText}` };
    return {
      verdict: 'pass',
      summary: `${get('sys_vendor') ?? '?'} ${get('product_name') ?? '?'} (board ${get('board_name') ?? '?'}), BIOS ${get('bios_vendor') ?? '?'} ${get('bios_version') ?? '?'} ${get('bios_date') ?? '?'}${cpuText}`,
    };
  },
};

export const platformChecks: CheckDefinition[] = [b01, b02];
