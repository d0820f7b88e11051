package app

import "tousu"

// internalReaders are the roles whose search reaches a case's internal records (the
// investigation notes, the units' reports, the decision): those who work or oversee
// the handling. A clerk registers complaints; its search stays on what the case says
// (number, matter, request, target, place, reply).
var internalReaders = []tousu.Role{tousu.RoleSupervisor, tousu.RoleHandler, tousu.RoleInspector, tousu.RoleLeader}

// searchesInternal reports whether the actor's search may match internal records.
func searchesInternal(actor tousu.Actor) bool {
	return requireRole(actor, internalReaders...) == nil
}
