/** The English file must have every key the Russian one has, and only those: a missing one fails typecheck. */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
