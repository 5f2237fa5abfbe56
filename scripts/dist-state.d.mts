export declare const STAMP: string;
export declare function distState(root: string): 'fresh' | 'stale' | 'missing';
