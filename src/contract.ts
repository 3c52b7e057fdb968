// Names fixed by ../shared/CONTRACT.md. Every other module takes its ids from here.

export const INTENT_IDS = [
  'symptom.leg_raise_pain',
  'causes.overview',
  'condition.sciatica',
  'condition.herniated_disc',
  'condition.arachnoiditis',
  'condition.piriformis_syndrome',
  'condition.spinal_stenosis',
  'condition.osteoarthritis',
  'care.self_care',
  'care.treatment_options',
  'care.prevention',
  'care.when_to_see_doctor',
  'triage.start',
  'redflag.report',
  'support.human',
  'trials.interest',
  'privacy.delete_data',
  'help',
  'greeting',
  'thanks',
  'goodbye',
  'cancel',
  'out_of_scope',
] as const;
export type IntentId = (typeof INTENT_IDS)[number];

/** Boolean evidence ids: each is a red flag the detector can report and the questionnaire asks. */
export const RED_FLAG_IDS = [
  'saddle_anaesthesia',
  'bladder_dysfunction',
  'bowel_dysfunction',
  'sexual_dysfunction',
  'bilateral_leg_symptoms',
  'progressive_weakness',
  'fever',
  'infection_risk',
  'cancer_history',
  'weight_loss',
  'night_pain',
  'significant_trauma',
  'osteoporosis_risk',
  'chest_pain',
  'sudden_severe_pain',
  'inflammatory_pattern',
  'pain_worsening',
] as const;
export type RedFlagId = (typeof RED_FLAG_IDS)[number];

/** Suspected cauda equina (CONTRACT §4): a possible sign gets the urgent advice before any question. */
export const CAUDA_EQUINA_FLAGS: readonly RedFlagId[] = [
  'saddle_anaesthesia',
  'bladder_dysfunction',
  'bowel_dysfunction',
  'sexual_dysfunction',
  'bilateral_leg_symptoms',
];

export const NUMERIC_EVIDENCE_IDS = ['age', 'duration_weeks'] as const;
export type NumericEvidenceId = (typeof NUMERIC_EVIDENCE_IDS)[number];

export const EVIDENCE_IDS = [...RED_FLAG_IDS, ...NUMERIC_EVIDENCE_IDS] as const;
export type EvidenceId = RedFlagId | NumericEvidenceId;

/** Most urgent first. */
export const TRIAGE_LEVELS = ['emergency_ambulance', 'emergency', 'consultation_24', 'consultation', 'self_care'] as const;
export type TriageLevel = (typeof TRIAGE_LEVELS)[number];

export function isIntentId(value: string): value is IntentId {
  return (INTENT_IDS as readonly string[]).includes(value);
}
export function isRedFlagId(value: string): value is RedFlagId {
  return (RED_FLAG_IDS as readonly string[]).includes(value);
}
/** Lower rank = more urgent. */
export function levelRank(level: TriageLevel): number {
  return TRIAGE_LEVELS.indexOf(level);
}
