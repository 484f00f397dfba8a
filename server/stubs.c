/* Temporary: handlers not written yet. */
#include "config.h"
#include "sim.h"
#define STUB(f) int f(sim_request *rq, sim_response *rs) { (void)rq; return sim_reply_problem(rs, 404, "not_found", "not yet"); }
STUB(sim_h_agencies) STUB(sim_h_procedures) STUB(sim_h_users) STUB(sim_h_calendar)
STUB(sim_h_dossier) STUB(sim_h_search) STUB(sim_h_document) STUB(sim_h_action)
STUB(sim_h_audit) STUB(sim_h_changes) STUB(sim_h_report)
int sim_feed_compact(sim_server *srv, sqlite3 *db, time_t now) { (void)srv; (void)db; (void)now; return 0; }
int sim_activity_start(sim_server *srv, int per_minute) { (void)srv; (void)per_minute; return 0; }
void sim_activity_stop(void) {}
