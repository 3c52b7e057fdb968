// The scripted conversation both benchmarks replay (in-process turns and HTTP load): the
// headline question, reading on, the whole warning-sign check answered "no", age, duration,
// the menu and a condition question.
export const SCRIPT: readonly string[] = [
  'why does my back hurt when I lift my leg',
  'tell me more',
  "Check if it's serious",
  'no', 'nope', 'no', 'nah', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no', 'no',
  "I'm 41",
  'about three weeks',
  'menu',
  'what is sciatica',
];
