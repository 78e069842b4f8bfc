import TVPSystem
import TVPWorker

// tvp-plugin-worker runs plugin tasks (include/tvp_task.h) for tvp's process modes, with the same
// commands and protocol as tvp-worker (see WorkerProgram). It is dynamically linked, since a static
// executable cannot `dlopen`; its start-up cost is measured beside tvp-worker's in docs/plugins.md.
let processStart = MonotonicInstant.now()
// Die with tvp, even a SIGKILLed one: no worker may run on for nobody.
ParentDeath.arm()
WorkerProgram(processStart: processStart, allowsPlugins: true).main()
