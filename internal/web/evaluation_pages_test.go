package web

import (
	"net/url"
	"time"

	"tousu"
	"tousu/internal/app"
)

// The 好差评 pages' view models, for TestPagesRender.
func init() {
	at := time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC)
	e := &tousu.Evaluation{ID: "PJ20260130-7K3M9Q", Window: "win-a1", Staff: "A001", Level: 1, Reasons: []string{"attitude"},
		Comment: "态度生硬", TransactionNo: "BJ0001", Item: "社保转移", Channel: tousu.EvalQR, Status: tousu.EvalVerifyDue,
		CreatedAt: at, UpdatedAt: at, CallbackDue: tousu.Date{Year: 2026, Month: 2, Day: 2}, RectifyDue: tousu.Date{Year: 2026, Month: 2, Day: 6},
		Due: tousu.Date{Year: 2026, Month: 2, Day: 6}, ClosedAt: &at, AppealStatus: "pending", Complaint: "TS20260130-0001",
		Detail: tousu.EvaluationDetail{Rectification: &tousu.EvaluationStep{By: "handler-a", ByName: "承办人", At: at, Text: "已批评教育"},
			Appeal: &tousu.EvaluationStep{By: "handler-a", ByName: "承办人", At: at, Text: "恶意评价"}}}
	v := &app.EvaluationView{Evaluation: e, WindowName: "社保1号窗口", StaffName: "王窗口", LevelLabel: "非常不满意",
		StatusLabel: "待核实", ChannelLabel: "扫码评价", ReasonLabels: []string{"态度不好"}, Phone: "138****5678", HasPhone: true,
		Overdue: true, AllowedActions: []string{"verify"}, Timeline: []tousu.EvaluationEvent{{Seq: 1, Type: "rate", ActorName: "群众", At: at, Payload: []byte(`{"level":1}`)}}}
	win := &app.EvaluationWindow{Code: "win-a1", Name: "社保1号窗口", Path: "人社局 › 社保1号窗口", Staff: &tousu.Staff{Badge: "A001", Name: "王窗口"}}
	f := newForm(url.Values{"level": {"1"}, "reasons": {"attitude"}})
	f.Errors["reasons"] = "请选择不满意的原因"
	f.Message = "提交的内容有误"
	pageModels["portal/evaluate"] = evaluatePage{portalBase: portalBase{Common: Common{Title: "服务评价", SiteName: SiteName}}, W: win,
		Levels: evaluationLevels, Reasons: tousu.EvaluationReasons, F: f, Action: "/evaluate?window=win-a1", Done: v, Again: "/evaluate?window=win-a1&pad=1", Pad: true}
	pageModels["desk/evaluations"] = evaluationsPage{Common: sampleCommon, Tab: "open", Items: []*app.EvaluationView{v}, Filter: url.Values{"level": {"1"}},
		Levels: evaluationLevels, Next: "/desk/evaluations?cursor=1_PJ", Tabs: []deskTab{{URL: "/desk/evaluations?tab=open", Label: "未办结", Current: true}}}
	pageModels["desk/evaluation"] = evaluationPage{Common: sampleCommon, E: v, Can: map[string]bool{"callback": true, "rectify": true, "verify": true,
		"appeal": true, "decide_appeal": true, "convert": true, "reveal": true}, F: f, Action: "verify", Labels: app.EvaluationActionLabels,
		Reasons: tousu.EvaluationReasons}
	good := 0.5
	pageModels["desk/evaluation_stats"] = evaluationStatsPage{Common: sampleCommon, GroupBy: "staff", From: "2026-01-01", To: "2026-01-31",
		Error: "日期格式错误", Items: []app.EvaluationFigures{{EvaluationCounts: tousu.EvaluationCounts{Key: "A001", Total: 2, Levels: [5]int{1, 0, 0, 0, 1}, Bad: 1, Good: 1},
			Name: "王窗口", GoodRate: &good, BadRate: &good}}}
	pageModels["desk/evaluation_slip"] = slipPage{Common: sampleCommon, F: f, Windows: []deskOption{{"win-a1", "社保1号窗口"}},
		Levels: evaluationLevels, Reasons: tousu.EvaluationReasons}
	pageModels["desk/admin_evaluations"] = adminEvaluationsPage{adminBase: sampleAdminBase("好差评"), Policy: app.DefaultEvaluationPolicy,
		F: f, Windows: []app.EvaluationWindow{*win}}
}
