// Minimal typings for the `natural` sub-modules the NLU imports directly. Importing the
// package root would load every natural module (database clients, dotenv, ...), so the
// NLU only ever imports these files.

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  interface EditCosts {
    insertion_cost?: number;
    deletion_cost?: number;
    substitution_cost?: number;
    transposition_cost?: number;
    restricted?: boolean;
  }
  const distance: {
    LevenshteinDistance(source: string, target: string, options?: EditCosts): number;
    DamerauLevenshteinDistance(source: string, target: string, options?: EditCosts): number;
  };
  export default distance;
}

declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  /** apparatus' Bayes model inside natural's wrapper (Bernoulli-style, present features only). */
  interface ApparatusBayes {
    /** label -> feature position -> count (+ smoothing) */
    classFeatures: Record<string, Record<string, number>>;
    /** label -> number of examples + 1 */
    classTotals: Record<string, number>;
    totalExamples: number;
    smoothing: number;
    addExample(observation: number[], label: string): void;
    train(): void;
  }
  class BayesClassifier {
    constructor(stemmer?: unknown, smoothing?: number);
    classifier: ApparatusBayes;
    docs: { label: string; text: string[] }[];
    /** feature -> document frequency; the for-in order of the keys is the feature position */
    features: Record<string, number>;
    lastAdded: number;
    addDocument(text: string | string[], label: string): void;
    train(): void;
    getClassifications(observation: string | string[]): { label: string; value: number }[];
    classify(observation: string | string[]): string;
    static restore(classifier: unknown, stemmer?: unknown): BayesClassifier;
  }
  export default BayesClassifier;
}
