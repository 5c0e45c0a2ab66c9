import { capYoungGeneration } from '../../functions/core/young-generation';

// Before the commands' modules load and their work grows the heap.
capYoungGeneration();
