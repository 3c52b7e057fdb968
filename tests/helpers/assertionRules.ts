// The assertion gate by its rules alone (no learned model), as the gate tests read it: the
// shipped red-flag patterns, patient words and cues, cauda equina signs and worsening weakness
// held to the stricter bar.
import { CAUDA_EQUINA_FLAGS } from '../../src/contract.js';
import { createAssertionGate, loadAssertionCues, type AssertionGate } from '../../src/nlu/assertionGate.js';
import { createPatientReader, loadPatientWords } from '../../src/nlu/patient.js';
import { createRedFlagDetector, loadRedFlagPatterns } from '../../src/nlu/redFlagDetector.js';

export function rulesGate(): AssertionGate {
  return createAssertionGate({
    cues: loadAssertionCues('.'),
    detector: createRedFlagDetector(loadRedFlagPatterns('knowledge/red-flags.yaml')),
    patient: createPatientReader(loadPatientWords('.')),
    caudaEquina: [...CAUDA_EQUINA_FLAGS, 'progressive_weakness' as const],
  });
}
