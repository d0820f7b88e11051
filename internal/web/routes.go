package web

import (
	"net/http"

	"tousu"
)

// routes registers every route of tousu, method and path, on one screen. apiRoutes
// (the JSON API) must match the OpenAPI document: a test keeps the two in step.
func (s *Server) routes() {
	for _, rt := range s.apiRoutes() {
		s.mux.Handle(rt.Method+" "+rt.Path, rt.Handler)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("/api/", s.api(notFoundAPI))
	// Open311 GeoReport v2 (open311.go): one handler, for the format is in the last segment.
	s.mux.HandleFunc("/open311/", s.open311)
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))

	// The staff desk.
	s.mux.Handle("GET /login", s.sessions.LoadAndSave(s.page(s.loginForm)))
	s.mux.Handle("POST /login", s.sessions.LoadAndSave(s.page(s.loginSubmit)))
	s.mux.Handle("POST /logout", s.sessions.LoadAndSave(s.page(s.logout)))
	s.mux.Handle("GET /desk/password", s.desk(s.passwordForm))
	s.mux.Handle("POST /desk/password", s.desk(s.passwordSubmit))
	s.mux.Handle("GET /desk/{$}", s.desk(s.inbox))
	s.mux.Handle("POST /desk/archive", s.desk(s.archiveBatch))
	s.mux.Handle("GET /desk/complaints/new", s.desk(s.registerForm))
	s.mux.Handle("POST /desk/complaints/new", s.desk(s.registerSubmit))
	s.mux.Handle("GET /desk/complaints/{number}", s.desk(s.casePage))
	s.mux.Handle("GET /desk/complaints/{number}/form", s.desk(s.registrationSheet))
	s.mux.Handle("GET /desk/complaints/{number}/receipt", s.desk(s.receiptReprint))
	s.mux.Handle("POST /desk/complaints/{number}/query-code", s.desk(s.reissueCode))
	s.mux.Handle("POST /desk/complaints/{number}/reveal", s.desk(s.revealIdentity))
	// The legal hold (法律保全) of an archived case (desk_retention.go).
	s.mux.Handle("POST /desk/complaints/{number}/hold", s.desk(s.deskSetHold))
	s.mux.Handle("POST /desk/complaints/{number}/hold/lift", s.desk(s.deskLiftHold))
	// Forms, notices and the dossier as PDFs (desk_documents.go); POST prints one with the
	// complainant's identity in clear, after an audited reveal.
	s.mux.Handle("GET /desk/complaints/{number}/documents/{file}", s.desk(s.caseDocument))
	s.mux.Handle("POST /desk/complaints/{number}/documents/{file}", s.desk(s.caseDocumentRevealed))
	s.mux.Handle("POST /desk/complaints/{number}/attachments", s.desk(s.deskAttach))
	s.mux.Handle("GET /desk/complaints/{number}/attachments/{id}", s.desk(s.deskDownload))
	s.mux.Handle("POST /desk/complaints/{number}/{action}", s.desk(s.caseAction))
	s.mux.Handle("/desk/", s.desk(s.deskNotFound))
	// The audit log, for admins and inspectors (not an admin-only page).
	s.mux.Handle("GET /desk/admin/audit", s.desk(s.auditLog))

	// The desk's admin pages.
	s.mux.Handle("GET /desk/admin/{$}", s.admin(s.adminHome))
	s.mux.Handle("GET /desk/admin/units", s.admin(s.adminUnits))
	s.mux.Handle("POST /desk/admin/units", s.admin(s.adminUnitSave))
	s.mux.Handle("GET /desk/admin/staff", s.admin(s.adminStaff))
	s.mux.Handle("POST /desk/admin/staff", s.admin(s.adminStaffSave))
	s.mux.Handle("GET /desk/admin/accounts", s.admin(s.adminAccounts))
	s.mux.Handle("POST /desk/admin/accounts", s.admin(s.adminAccountCreate))
	s.mux.Handle("POST /desk/admin/accounts/{login}", s.admin(s.adminAccountUpdate))
	s.mux.Handle("POST /desk/admin/accounts/{login}/disable", s.admin(s.adminAccountDisable))
	s.mux.Handle("POST /desk/admin/accounts/{login}/enable", s.admin(s.adminAccountEnable))
	s.mux.Handle("POST /desk/admin/accounts/{login}/password", s.admin(s.adminAccountPassword))
	s.mux.Handle("GET /desk/admin/tokens", s.admin(s.adminTokens))
	s.mux.Handle("POST /desk/admin/tokens/{id}/revoke", s.admin(s.adminTokenRevoke))
	s.mux.Handle("GET /desk/admin/categories", s.admin(s.adminCategories))
	s.mux.Handle("POST /desk/admin/categories", s.admin(s.adminCategorySave))
	s.mux.Handle("GET /desk/admin/calendar", s.admin(s.adminCalendar))
	s.mux.Handle("POST /desk/admin/calendar", s.admin(s.adminCalendarSave))
	s.mux.Handle("POST /desk/admin/calendar/{date}/delete", s.admin(s.adminCalendarDelete))
	s.mux.Handle("POST /desk/admin/calendar/notice", s.admin(s.adminCalendarNotice))
	s.mux.Handle("GET /desk/admin/policies", s.admin(s.adminPolicies))
	s.mux.Handle("POST /desk/admin/policies", s.admin(s.adminPolicySave))
	s.mux.Handle("POST /desk/admin/policies/{id}/delete", s.admin(s.adminPolicyDelete))

	// Notifications (issue 7): each account's desk messages; the admin's outbox, message
	// templates and escalation ladder (desk_notify.go, desk_admin_notify.go).
	s.mux.Handle("GET /desk/notifications", s.desk(s.notifications))
	s.mux.Handle("POST /desk/notifications/read-all", s.desk(s.notificationsReadAll))
	s.mux.Handle("POST /desk/notifications/{id}/read", s.desk(s.notificationRead))
	s.mux.Handle("GET /desk/admin/outbox", s.admin(s.adminOutbox))
	s.mux.Handle("POST /desk/admin/outbox/{id}/retry", s.admin(s.adminOutboxRetry))
	s.mux.Handle("GET /desk/admin/templates", s.admin(s.adminTemplates))
	s.mux.Handle("POST /desk/admin/templates/{kind}", s.admin(s.adminTemplateSave))
	s.mux.Handle("POST /desk/admin/templates/{kind}/reset", s.admin(s.adminTemplateReset))
	s.mux.Handle("POST /desk/admin/ladder", s.admin(s.adminLadderSave))
	s.mux.Handle("POST /desk/admin/handling", s.admin(s.adminHandlingSave))

	// The public portal (issue 4): start page, complaint form and receipt, tracking and
	// rating; and the admin's page for the portal's texts. "/" answers every path no
	// other pattern serves with the portal's "not found" (as "/desk/" does for the desk).
	s.mux.Handle("GET /{$}", s.portal(s.portalHome))
	s.mux.Handle("GET /submit", s.portal(s.submitForm))
	s.mux.Handle("POST /submit", s.portal(s.submitComplaint))
	s.mux.Handle("GET /track", s.portal(s.trackPage))
	s.mux.Handle("POST /track", s.portal(s.trackLookup))
	s.mux.Handle("POST /track/feedback", s.portal(s.trackFeedback))
	s.mux.Handle("/", s.portal(s.portalNotFound))
	s.mux.Handle("GET /desk/admin/portal", s.admin(s.adminPortal))
	// Intake (issue 11): the intake office and the coverage check; on the portal, a new
	// query code by SMS to the phone on file.
	s.mux.Handle("GET /desk/admin/intake", s.admin(s.adminIntake))
	s.mux.Handle("POST /desk/admin/intake", s.admin(s.adminIntakeSave))
	s.mux.Handle("GET /track/forgot", s.portal(s.forgotForm))
	s.mux.Handle("POST /track/forgot", s.portal(s.forgotSubmit))
	s.mux.Handle("POST /desk/admin/portal", s.admin(s.adminPortalSave))
	// Repeat complaints (issue 18, repeats.go): the case page's link form (关联).
	s.mux.Handle("POST /desk/complaints/{number}/link", s.desk(s.deskLink))

	// 行风督查 (issue 17): inspections recorded on a phone, rectification, the 整改通知书,
	// the staff record and the month's ranking (desk_conduct.go).
	s.mux.Handle("GET /desk/inspections", s.desk(s.deskInspections))
	s.mux.Handle("POST /desk/inspections", s.desk(s.deskPlanInspection))
	s.mux.Handle("GET /desk/inspections/{id}", s.desk(s.deskInspection))
	s.mux.Handle("POST /desk/inspections/{id}/results", s.desk(s.deskRecordResults))
	s.mux.Handle("POST /desk/inspections/{id}/complete", s.desk(s.deskCompleteInspection))
	s.mux.Handle("GET /desk/inspections/{id}/photos/{photo}", s.desk(s.deskInspectionPhoto))
	s.mux.Handle("GET /desk/inspections/{id}/notice", s.desk(s.deskRectNotice))
	s.mux.Handle("GET /desk/rectifications", s.desk(s.deskRectifications))
	s.mux.Handle("GET /desk/rectifications/{id}", s.desk(s.deskRectification))
	s.mux.Handle("POST /desk/rectifications/{id}/submit", s.desk(s.deskSubmitRect))
	s.mux.Handle("POST /desk/rectifications/{id}/verify", s.desk(s.deskVerifyRect))
	s.mux.Handle("GET /desk/rectifications/{id}/evidence/{file}", s.desk(s.deskRectFile))
	s.mux.Handle("GET /desk/staff/{badge}", s.desk(s.deskStaffRecord))
	s.mux.Handle("GET /desk/ranking", s.desk(s.deskRanking))
	s.mux.Handle("POST /desk/complaints/{number}/malicious", s.desk(s.deskProposeMalicious))
	s.mux.Handle("POST /desk/complaints/{number}/malicious_review", s.desk(s.deskReviewMalicious))
	s.mux.Handle("GET /desk/malicious", s.desk(s.deskMaliciousList))
	s.mux.Handle("GET /desk/admin/conduct", s.admin(s.adminConduct))
	s.mux.Handle("POST /desk/admin/conduct/checklists", s.admin(s.adminChecklistSave))
	s.mux.Handle("POST /desk/admin/conduct/weights", s.admin(s.adminWeightsSave))
	s.mux.Handle("GET /redlist", s.portal(s.portalRedList))

	// Statistics, reports and public disclosure (issue 15): the dashboard, the periodic
	// reports, the disclosures' desk pages, and the public's disclosure pages.
	s.mux.Handle("GET /desk/stats", s.desk(s.statsDashboard))
	s.mux.Handle("GET /desk/stats/export", s.desk(s.deskStatsExport))
	s.mux.Handle("GET /desk/complaints/export", s.desk(s.deskExport))
	s.mux.Handle("GET /desk/reports", s.desk(s.periodicReport))
	s.mux.Handle("GET /desk/disclosures", s.desk(s.deskDisclosures))
	s.mux.Handle("POST /desk/disclosures", s.desk(s.deskPrepareDisclosure))
	s.mux.Handle("GET /desk/disclosures/{id}", s.desk(s.deskDisclosure))
	s.mux.Handle("POST /desk/disclosures/{id}", s.desk(s.deskReviseDisclosure))
	s.mux.Handle("GET /disclosure", s.portal(s.disclosureIndex))
	s.mux.Handle("GET /disclosure/guide", s.portal(s.disclosureGuide))
	s.mux.Handle("GET /disclosure/{id}", s.portal(s.disclosureShow))

	// 好差评 (issue 16): the public rating page and each window's QR code (evaluate.go);
	// on the desk the ratings, their actions, the figures, paper slips, and the admin's
	// policy and table cards (desk_evaluations.go).
	s.mux.Handle("GET /evaluate", s.portal(s.evaluateForm))
	s.mux.Handle("POST /evaluate", s.portal(s.evaluateSubmit))
	s.mux.Handle("GET /evaluate/qr.svg", s.portal(s.evaluateQR))
	s.mux.Handle("GET /desk/evaluations", s.desk(s.evaluationList))
	s.mux.Handle("GET /desk/evaluations/stats", s.desk(s.evaluationStatsView))
	s.mux.Handle("GET /desk/evaluations/slip", s.desk(s.slipForm))
	s.mux.Handle("POST /desk/evaluations/slip", s.desk(s.slipSubmit))
	s.mux.Handle("GET /desk/evaluations/slip.pdf", s.desk(s.slipPDF))
	s.mux.Handle("GET /desk/evaluations/{id}", s.desk(s.evaluationShow))
	s.mux.Handle("POST /desk/evaluations/{id}/{action}", s.desk(s.evaluationAct))
	s.mux.Handle("GET /desk/admin/evaluations", s.admin(s.adminEvaluations))
	s.mux.Handle("POST /desk/admin/evaluations", s.admin(s.adminEvaluationsSave))
	s.mux.Handle("GET /desk/admin/evaluations/cards/{file}", s.admin(s.evaluationCard))

	// Disposal after retention (销毁, desk_disposals.go): candidates and the register, a
	// proposal, a leader's decision, the printed 档案销毁清册.
	s.mux.Handle("GET /desk/disposals", s.desk(s.disposalsPage))
	s.mux.Handle("POST /desk/disposals", s.desk(s.disposalPropose))
	s.mux.Handle("GET /desk/disposals/{id}", s.desk(s.disposalDetail))
	s.mux.Handle("GET /desk/disposals/{id}/register.pdf", s.desk(s.disposalRegisterPDF))
	s.mux.Handle("POST /desk/disposals/{id}/{decision}", s.desk(s.disposalDecide))

	// Import of past complaints (desk_admin_import.go): check, then import, a CSV or XLSX.
	s.mux.Handle("GET /desk/admin/import", s.admin(s.adminImport))
	s.mux.Handle("POST /desk/admin/import", s.admin(s.adminImportRun))

	// Praise, sanctions and training recorded on the staff record (desk_staffentry.go).
	s.mux.Handle("POST /desk/staff/{badge}/praise", s.desk(s.deskStaffEntry(tousu.EntryPraise)))
	s.mux.Handle("POST /desk/staff/{badge}/sanctions", s.desk(s.deskStaffEntry(tousu.EntrySanction)))
	s.mux.Handle("POST /desk/staff/{badge}/training", s.desk(s.deskStaffEntry(tousu.EntryTraining)))
}

// route is one route of the JSON API.
type route struct {
	Method, Path string
	Handler      http.Handler
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET", "/api/v1/openapi.json", s.api(s.openapi)},

		{"POST", "/api/v1/complaints", s.authed(s.registerComplaint)},
		{"GET", "/api/v1/complaints", s.authed(s.listComplaints)},
		{"GET", "/api/v1/complaints/{number}", s.authed(s.getComplaint)},
		{"GET", "/api/v1/complaints/{number}/events", s.authed(s.complaintEvents)},
		{"POST", "/api/v1/complaints/{number}/reveal", s.authed(s.revealComplainant)},
		{"GET", "/api/v1/complaints/{number}/related", s.authed(s.relatedComplaints)},
		{"GET", "/api/v1/complaints/{number}/attachments", s.authed(s.listAttachments)},
		{"GET", "/api/v1/complaints/{number}/attachments/{id}", s.authed(s.downloadAttachment)},
		{"POST", "/api/v1/complaints/{number}/query-code", s.authed(s.reissueQueryCode)},
		{"POST", "/api/v1/complaints/{number}/hold", s.authed(s.setHold)},
		{"DELETE", "/api/v1/complaints/{number}/hold", s.authed(s.liftHold)},
		{"GET", "/api/v1/retention-rule", s.authed(s.getRetentionRule)},
		{"PUT", "/api/v1/retention-rule", s.authed(s.putRetentionRule)},
		{"POST", "/api/v1/complaints/{number}/{action}", s.authed(s.actOnComplaint)},

		{"POST", "/api/v1/public/complaints", s.api(s.submitPublic)},
		{"GET", "/api/v1/public/complaints/{number}", s.api(s.trackPublic)},
		{"POST", "/api/v1/public/complaints/{number}/feedback", s.api(s.feedbackPublic)},

		// The 12345 hotline platform, signed with TOUSU_HOTLINE_SECRET (hotline.go).
		{"POST", "/api/v1/hotline/orders", s.api(s.hotlineOrder)},
		{"POST", "/api/v1/hotline/orders/{no}/events", s.api(s.hotlineEvent)},

		{"GET", "/api/v1/calendar/workdays", s.api(s.workdays)},
		{"GET", "/api/v1/calendar/overrides", s.authed(s.listOverrides)},
		{"POST", "/api/v1/calendar/notices", s.authed(s.importNotice)},
		{"PUT", "/api/v1/calendar/overrides/{date}", s.authed(s.putOverride)},
		{"DELETE", "/api/v1/calendar/overrides/{date}", s.authed(s.deleteOverride)},
		{"GET", "/api/v1/policies", s.authed(s.listPolicies)},
		{"POST", "/api/v1/policies", s.authed(s.createPolicy)},
		{"PUT", "/api/v1/policies/{id}", s.authed(s.updatePolicy)},
		{"DELETE", "/api/v1/policies/{id}", s.authed(s.deletePolicy)},

		{"GET", "/api/v1/units", s.authed(s.listUnits)},
		{"PUT", "/api/v1/units/{code}", s.authed(s.putUnit)},
		{"GET", "/api/v1/categories", s.authed(s.listCategories)},
		{"PUT", "/api/v1/categories/{code}", s.authed(s.putCategory)},
		{"GET", "/api/v1/staff", s.authed(s.listStaff)},
		{"PUT", "/api/v1/staff/{badge}", s.authed(s.putStaff)},
		{"GET", "/api/v1/me", s.authed(s.me)},

		// Repeat complaints (issue 18, repeats.go): a case's links (关联) and possible
		// repeats, and the link action.
		{"GET", "/api/v1/complaints/{number}/links", s.authed(s.complaintLinks)},
		{"POST", "/api/v1/complaints/{number}/link", s.authed(s.linkComplaint)},
		// 行风督查 (issue 17): checklists, inspections, rectification (conduct_api.go).
		{"GET", "/api/v1/checklists", s.authed(s.listChecklists)},
		{"PUT", "/api/v1/checklists/{code}", s.authed(s.putChecklist)},
		{"POST", "/api/v1/inspections", s.authed(s.createInspection)},
		{"GET", "/api/v1/inspections", s.authed(s.listInspections)},
		{"GET", "/api/v1/inspections/{id}", s.authed(s.getInspection)},
		{"POST", "/api/v1/inspections/{id}/results", s.authed(s.recordResults)},
		{"POST", "/api/v1/inspections/{id}/complete", s.authed(s.completeInspection)},
		{"POST", "/api/v1/inspections/{id}/photos", s.authed(s.addInspectionPhotos)},
		{"GET", "/api/v1/inspections/{id}/photos/{photo}", s.authed(s.inspectionPhoto)},
		{"GET", "/api/v1/rectifications", s.authed(s.listRectifications)},
		{"GET", "/api/v1/rectifications/{id}", s.authed(s.getRectification)},
		{"POST", "/api/v1/rectifications/{id}/submit", s.authed(s.submitRectification)},
		{"POST", "/api/v1/rectifications/{id}/verify", s.authed(s.verifyRectification)},
		{"GET", "/api/v1/rectifications/{id}/evidence/{file}", s.authed(s.rectificationFile)},
		// The staff record, praise, sanctions, training; malicious complaints (lifecycle-
		// neutral); the monthly assessment (staffrecord_api.go).
		{"GET", "/api/v1/staff/{badge}/record", s.authed(s.staffRecord)},
		{"POST", "/api/v1/staff/{badge}/praise", s.authed(s.staffEntry(tousu.EntryPraise))},
		{"POST", "/api/v1/staff/{badge}/sanctions", s.authed(s.staffEntry(tousu.EntrySanction))},
		{"POST", "/api/v1/staff/{badge}/training", s.authed(s.staffEntry(tousu.EntryTraining))},
		{"POST", "/api/v1/complaints/{number}/malicious", s.authed(s.proposeMalicious)},
		{"GET", "/api/v1/complaints/{number}/malicious", s.authed(s.getMalicious)},
		{"POST", "/api/v1/complaints/{number}/malicious_review", s.authed(s.reviewMalicious)},
		{"GET", "/api/v1/malicious", s.authed(s.listMalicious)},
		{"GET", "/api/v1/assessment", s.authed(s.assessment)},
		{"GET", "/api/v1/assessment/weights", s.authed(s.getWeights)},
		{"PUT", "/api/v1/assessment/weights", s.authed(s.putWeights)},

		// Statistics, exports and public disclosure (issue 15: stats.go, exports.go).
		{"GET", "/api/v1/stats", s.authed(s.getStats)},
		{"GET", "/api/v1/exports/complaints", s.authed(s.exportComplaints)},
		{"GET", "/api/v1/exports/stats", s.authed(s.exportStats)},
		{"POST", "/api/v1/disclosures", s.authed(s.createDisclosure)},
		{"GET", "/api/v1/disclosures", s.authed(s.listDisclosures)},
		{"GET", "/api/v1/disclosures/{id}", s.authed(s.getDisclosure)},
		{"PUT", "/api/v1/disclosures/{id}", s.authed(s.reviseDisclosure)},
		{"POST", "/api/v1/disclosures/{id}/publish", s.authed(s.publishDisclosure)},
		{"GET", "/api/v1/public/disclosures", s.api(s.publicDisclosures)},
		{"GET", "/api/v1/public/disclosures/{id}", s.api(s.publicDisclosure)},

		// 好差评 (issue 16): ratings of windows, bad ones called back, put right and
		// checked; appeals; figures (evaluations.go).
		{"POST", "/api/v1/public/evaluations", s.api(s.evaluatePublic)},
		{"GET", "/api/v1/evaluations", s.authed(s.listEvaluations)},
		{"GET", "/api/v1/evaluations/stats", s.authed(s.evaluationStats)},
		{"GET", "/api/v1/evaluations/{id}", s.authed(s.getEvaluation)},
		{"POST", "/api/v1/evaluations/{id}/{action}", s.authed(s.actOnEvaluation)},
		{"GET", "/api/v1/evaluation-policy", s.authed(s.getEvaluationPolicy)},
		{"PUT", "/api/v1/evaluation-policy", s.authed(s.putEvaluationPolicy)},

		// Disposal after retention (销毁, disposals.go).
		{"GET", "/api/v1/disposals/candidates", s.authed(s.disposalCandidates)},
		{"GET", "/api/v1/disposals", s.authed(s.listDisposals)},
		{"POST", "/api/v1/disposals", s.authed(s.proposeDisposal)},
		{"GET", "/api/v1/disposals/{id}", s.authed(s.getDisposal)},
		{"POST", "/api/v1/disposals/{id}/approve", s.authed(s.approveDisposal)},
		{"POST", "/api/v1/disposals/{id}/refuse", s.authed(s.refuseDisposal)},

		// Import of past complaints (desk_admin_import.go, docs/import.md).
		{"POST", "/api/v1/imports", s.authed(s.importAPI)},
	}
}
