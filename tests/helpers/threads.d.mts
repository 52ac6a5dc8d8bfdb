/** The nice value of each thread of the process that still runs when its stat is read. */
export declare const niceValues: (pid?: number | 'self') => number[]
export declare const threadsAtNice19: (pid?: number | 'self') => number
