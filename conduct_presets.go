package tousu

// DefaultChecklists are the checklists tousu starts with: the government hall's (政务服务
// 中心窗口工作人员管理办法 第四、十二、十三条) and presets for hospitals, police halls and
// drug administration. Admins change them or add their own; a saved checklist is kept.
func DefaultChecklists() []Checklist {
	return []Checklist{
		{Code: "hall", Name: "政务服务大厅窗口督查清单", Preset: "government", Items: []ChecklistItem{
			{Code: "on_post", Name: "在岗在位", Weight: 15, Rule: "工作时间离岗、串岗、脱岗的，该项不合格"},
			{Code: "dress", Name: "着装与工牌", Weight: 10, Rule: "未按规定着装或未佩戴工作牌的，该项不合格"},
			{Code: "courtesy", Name: "文明用语", Weight: 15, Rule: "使用服务忌语、态度生硬的，该项不合格"},
			{Code: "one_notice", Name: "一次性告知", Weight: 15, Rule: "材料不全未一次性告知所需材料的，该项不合格"},
			{Code: "disclosure", Name: "公示内容（事项、流程、时限、标准）", Weight: 10, Rule: "办事事项、流程、时限、标准未公示或与实际不符的，该项不合格"},
			{Code: "fees", Name: "收费公示", Weight: 10, Rule: "收费项目、依据、标准未公示的，该项不合格"},
			{Code: "first_ask", Name: "首问负责", Weight: 10, Rule: "推诿、不答复首问事项的，该项不合格"},
			{Code: "environment", Name: "窗口环境", Weight: 5, Rule: "窗口台面杂乱、设施损坏未报修的，该项不合格"},
			{Code: "time_limit", Name: "服务时限", Weight: 10, Rule: "超出承诺时限办理的，该项不合格"},
		}},
		{Code: "hospital", Name: "医院窗口与科室行风督查清单", Preset: "hospital", Items: []ChecklistItem{
			{Code: "on_post", Name: "在岗在位", Weight: 15},
			{Code: "dress", Name: "着装与胸牌", Weight: 10},
			{Code: "courtesy", Name: "文明用语、耐心解释病情", Weight: 15},
			{Code: "fees", Name: "收费公示与明白收费", Weight: 15},
			{Code: "red_envelope", Name: "拒收红包回扣", Weight: 20},
			{Code: "first_ask", Name: "首问负责", Weight: 10},
			{Code: "environment", Name: "就诊环境与秩序", Weight: 5},
			{Code: "waiting", Name: "候诊时间", Weight: 10},
		}},
		{Code: "police", Name: "公安服务窗口督查清单", Preset: "police", Items: []ChecklistItem{
			{Code: "on_post", Name: "在岗在位", Weight: 15},
			{Code: "uniform", Name: "着装与警号", Weight: 10},
			{Code: "courtesy", Name: "文明执勤、规范用语", Weight: 15},
			{Code: "one_notice", Name: "一次性告知", Weight: 15},
			{Code: "disclosure", Name: "办事指南公示", Weight: 10},
			{Code: "fees", Name: "收费公示", Weight: 10},
			{Code: "time_limit", Name: "办理时限", Weight: 15},
			{Code: "environment", Name: "窗口环境", Weight: 10},
		}},
		{Code: "drug", Name: "药品监督管理窗口督查清单", Preset: "drug", Items: []ChecklistItem{
			{Code: "on_post", Name: "在岗在位", Weight: 15},
			{Code: "dress", Name: "着装与工牌", Weight: 10},
			{Code: "courtesy", Name: "文明用语", Weight: 15},
			{Code: "one_notice", Name: "一次性告知", Weight: 15},
			{Code: "disclosure", Name: "许可事项、依据、时限公示", Weight: 15},
			{Code: "fees", Name: "收费公示", Weight: 10},
			{Code: "integrity", Name: "廉洁自律（无吃拿卡要）", Weight: 20},
		}},
	}
}
