package demo

import (
	"strings"

	"tousu"
)

// What the office writes while working a case: investigation records, decisions and
// replies, by category and finding.

// admitted is what a staff member admits when the complaint is founded.
var admitted = map[string]string{
	"attitude":          "当时办件量大，语气生硬、解释不够耐心",
	"efficiency":        "当时离岗未安排替岗人员，办件确有拖延",
	"competence":        "对政策理解有误，录入信息时未认真核对",
	"facilities":        "设备故障后未及时跟进报修进度",
	"process":           "预约和现场取号的衔接安排不合理",
	"integrity":         "曾向办事群众推荐过代办公司",
	"refusal":           "对新政策掌握不准，未敢受理也未出具书面告知",
	"unlawful_approval": "现场核查流于形式，审核把关不严",
	"overdue":           "材料在流转环节积压，未按承诺时限办结",
	"notification":      "首次接待时未出具书面一次性告知单",
	"fees":              "收取的费用没有收费依据",
	"one_door":          "误以为该事项仍需到部门本部审批",
	"other":             "工作中存在疏漏",
}

// foundedResults is the reply's result when the complaint is founded.
var foundedResults = map[string]string{
	"attitude":          "经核实，当事工作人员在接待您时确有语言生硬、解释不耐心的问题，投诉属实。当事人已电话向您道歉，中心对其进行了批评教育，并在当月窗口考核中扣分。",
	"efficiency":        "经核实，您反映的办事拖拉、推诿问题属实。中心已责令{部门}立即整改，由窗口负责人专人跟进，已为您办结{事项}。",
	"competence":        "经核实，窗口工作人员对业务规定掌握不准，给您造成了不便，投诉属实。中心已对当事人进行批评教育，并要求窗口准确告知办理要求和网上办理渠道，您的{事项}已办结。",
	"facilities":        "经核实，您反映的设施设备问题属实。中心已联系维保单位完成维修并恢复使用，维修期间安排导办员现场引导。",
	"process":           "经核实，您反映的问题属实。中心已会同{部门}调整工作安排，优化相关流程。",
	"integrity":         "经派驻纪检组调查，当事工作人员存在违反廉洁纪律的行为，反映属实。当事人已调离窗口岗位，相关问题线索已移送纪检组依纪依规处理。",
	"refusal":           "经核实，您的申请材料齐全、符合法定条件，窗口未依法受理属实。中心已责令窗口受理您的申请，并对相关人员进行了批评教育。",
	"unlawful_approval": "经调阅审批档案并现场核查，该许可（登记）在审核环节确存在把关不严的问题，反映属实。{部门}已依法启动纠错程序，相关责任人移送纪检组处理。",
	"overdue":           "经核实，您的{事项}确已超出承诺办结时限，投诉属实，原因是{原因}。中心已督促{部门}加快办理，现已办结，并对相关责任人进行了批评教育。",
	"notification":      "经核实，窗口首次接待时未一次性告知全部所需材料，致使您多次往返，投诉属实。当事人已向您致歉，中心对其进行了批评教育，并要求窗口严格使用书面一次性告知单。",
	"fees":              "经核实，窗口收取该项费用没有依据，投诉属实。违规收取的{金额}元已全额退还给您，当事人受到批评教育，中心在全部窗口开展收费专项自查。",
	"one_door":          "经核实，该事项已进驻中心办理，窗口要求您到部门本部办理违反“一门受理”规定，投诉属实。已责令窗口改正，并在中心为您办结。",
	"other":             "经核实，您反映的问题属实，中心已责令相关窗口整改，并将加强日常巡查。",
}

const (
	partlyResult       = "经核实，您反映的情况部分属实：窗口工作人员在解释说明上确有不够耐心、细致之处，但业务办理本身符合规定。中心已对当事人进行提醒谈话，要求改进工作方法。"
	unfoundedResult    = "经调查核实，{窗口}工作人员已按规定受理并一次性告知所需材料，未发现您反映的问题，投诉不属实。对于给您带来的不便，我们表示理解，也欢迎您继续监督。"
	unverifiableResult = "由于未能确定当事工作人员，且当日录像已超过保存期限，您反映的情况无法核实。中心已将有关情况通报{部门}，要求全体窗口人员引以为戒。"
)

// improvements is what the centre changes, by category.
var improvements = map[string]string{
	"attitude":          "中心将组织窗口人员开展文明服务用语和服务礼仪培训，并通过录像抽查加强日常监督。",
	"efficiency":        "窗口实行AB岗和离岗登记制度，高峰时段增开弹性窗口。",
	"competence":        "部门每月开展一次业务培训，统一政策解释口径，并编写常见问题答复手册。",
	"facilities":        "中心建立设施设备每日巡检和故障报修限时处理制度，故障设备两个工作日内修复。",
	"process":           "推行预约号优先办理，中午时段实行窗口轮班。",
	"integrity":         "在全体窗口开展廉洁纪律专题教育，公开举报电话，严禁窗口人员推荐中介代办。",
	"refusal":           "窗口对不予受理的申请一律出具书面告知书并说明理由。",
	"unlawful_approval": "落实现场核查和审核双人复核制度，定期开展审批档案抽查。",
	"overdue":           "中心对承诺件实行到期前三个工作日预警，超期件纳入月度考核通报。",
	"notification":      "严格执行首问负责和一次性告知制度，首次接待即出具书面一次性告知单。",
	"fees":              "在窗口醒目位置公示收费项目和标准，不得收取公示以外的任何费用。",
	"one_door":          "对照进驻事项清单逐项核查，确保进驻事项在中心窗口一门受理、一次办结。",
	"other":             "中心将加强大厅日常管理和巡查，及时回应群众关切。",
}

// notePools are the investigation methods used for each category, in the order used.
var notePools = map[string][]tousu.Method{
	"attitude":          {tousu.MethodInterviewComplainant, tousu.MethodInterviewStaff, tousu.MethodVideo, tousu.MethodWitness},
	"efficiency":        {tousu.MethodRecords, tousu.MethodInterviewStaff, tousu.MethodVideo},
	"competence":        {tousu.MethodRecords, tousu.MethodInterviewStaff, tousu.MethodDocuments},
	"facilities":        {tousu.MethodOther, tousu.MethodDocuments},
	"process":           {tousu.MethodDocuments, tousu.MethodInterviewStaff},
	"integrity":         {tousu.MethodInterviewComplainant, tousu.MethodVideo, tousu.MethodInterviewStaff, tousu.MethodWitness},
	"refusal":           {tousu.MethodDocuments, tousu.MethodRecords, tousu.MethodInterviewStaff},
	"unlawful_approval": {tousu.MethodDocuments, tousu.MethodRecords, tousu.MethodOther},
	"overdue":           {tousu.MethodRecords, tousu.MethodInterviewStaff},
	"notification":      {tousu.MethodDocuments, tousu.MethodInterviewComplainant, tousu.MethodInterviewStaff},
	"fees":              {tousu.MethodRecords, tousu.MethodDocuments, tousu.MethodInterviewComplainant},
	"one_door":          {tousu.MethodInterviewStaff, tousu.MethodDocuments},
	"other":             {tousu.MethodInterviewStaff, tousu.MethodVideo},
}

// methodPhrases say in a reply how the case was investigated.
var methodPhrases = map[tousu.Method]string{
	tousu.MethodInterviewComplainant: "与您电话沟通了解详情",
	tousu.MethodInterviewStaff:       "与被投诉窗口负责人及当事工作人员谈话",
	tousu.MethodRecords:              "调取业务系统办件记录",
	tousu.MethodVideo:                "调看窗口监控录像",
	tousu.MethodWitness:              "询问现场导办员",
	tousu.MethodDocuments:            "审查相关材料和记录",
	tousu.MethodOther:                "到现场核查",
}

var feedbackComments = map[int][]string{
	5: {"对处理结果非常满意，感谢中心及时处理。", "没想到这么快就有回复，处理得很认真，谢谢！"},
	4: {"问题基本解决了，满意。", "处理结果可以接受，希望以后不要再出现类似问题。"},
	3: {"结果还行，就是答复得有点慢。", "情况说明白了，但还是希望窗口改进服务。"},
	2: {"对处理结果不太满意，但不再要求重新处理。", "感觉是在走过场，不太满意。"},
	1: {"问题根本没有解决，非常不满意。"},
}

// suggestionComments are the proposer's ratings of the answer to a suggestion.
var suggestionComments = map[int][]string{
	5: {"建议被采纳了，很高兴，谢谢中心！"},
	4: {"答复很认真，满意。"},
	3: {"答复收到了，希望能尽快落实。"},
	2: {"只是说作为参考，不太满意。"},
}

// witnessNotes are what the hall's guide saw, by category: founded, then not founded.
var witnessNotes = map[string][2]string{
	"attitude":  {"看到投诉人与窗口工作人员发生争执，工作人员说话声音较大。", "当时窗口秩序正常，未注意到有争执。"},
	"integrity": {"曾多次看到有中介人员在窗口附近招揽群众，并与当事工作人员私下交谈。", "未发现窗口人员与中介人员有私下接触，也未见有人未取号插队办理。"},
	"":          {"当时在场，看到的情况与投诉人反映基本一致。", "当时窗口秩序正常，未发现投诉所述情况。"},
}

// documentNotes are the findings of a review of documents, by category: founded, then
// not founded. Others review the application and the notification slips.
var documentNotes = map[string][2]string{
	"facilities":        {"查阅设施设备维保记录和报修台账，台账显示该设备已报修，但维保单位未按时上门维修。", "查阅设施设备维保记录和报修台账，设备近期运行正常，无故障报修记录。"},
	"process":           {"查阅{事项}办事指南、预约规则和窗口排班表，窗口的安排确与投诉人反映一致。", "查阅{事项}办事指南、预约规则和窗口排班表，窗口安排符合中心规定。"},
	"fees":              {"查阅窗口收费公示和票据存根，窗口收取的费用不在收费公示目录内。", "查阅窗口收费公示和票据存根，收费项目和标准均在公示目录内，并开具了正规票据。"},
	"one_door":          {"查阅中心进驻事项清单，{事项}已列入进驻清单，应在窗口受理办结。", "查阅中心进驻事项清单，{事项}依规需部门现场勘查后审批，窗口收件后转本部办理符合规定。"},
	"unlawful_approval": {"调阅该许可（登记）的审批档案，现场核查记录只有签字、没有核查照片，审核意见栏填写不完整。", "调阅该许可（登记）的审批档案，现场核查记录、照片和审核意见齐全，审批符合规定。"},
	"competence":        {"审查{事项}的办事指南和窗口告知记录，窗口告知的内容与办事指南不一致。", "审查{事项}的办事指南和窗口告知记录，窗口告知的内容与办事指南一致。"},
}

var reopenComments = []string{
	"问题没有解决，窗口至今没有给我办理，要求重新处理。",
	"答复和实际情况不符，当事人根本没有道歉，要求重新调查。",
}

var reopenReasons = []string{
	"投诉人回访后再次来电反映问题仍未解决，经督查处研究决定重新办理。",
	"复查发现原调查未调看当日录像，事实认定依据不足，决定重新办理。",
}

var suspendReasons = []string{
	"投诉人出差在外，无法配合调查核实，经与投诉人沟通同意中止办理，待其返回后恢复。",
	"需等待市级主管部门对政策适用问题的书面答复，中止办理。",
	"该事项涉及司法查封信息核查，已向区人民法院发函，等待回函期间中止办理。",
}

var extendReasons = []string{
	"需调取市级业务系统的历史数据并与相关部门会商，依规延长办理期限。",
	"事项涉及多个部门，需由督查处牵头协调共同研究处理，延长办理期限。",
	"当事工作人员休假，需待其返岗后谈话核实，延长办理期限。",
}

var urgeMessages = []string{
	"该件派单已久，请承办单位抓紧调查核实，于3个工作日内报送处理意见。",
	"投诉人再次来电催问进度，请加快办理，并及时与投诉人沟通。",
	"该件即将到期，请于到期前报送办理结果，逾期将纳入月度通报。",
}

var overdueUrge = "该件已超过办理期限，请承办单位立即报送办理结果并说明超期原因，超期情况将在月度通报中通报。"

var closeNotes = []string{
	"匿名投诉，无法回访；处理结果已通过查询码公开答复，予以办结。",
	"三次电话回访均无人接听，按规定予以办结。",
}

// expand fills {placeholders} from vars; unknown ones stay as they are.
func expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		key := s[i+1 : i+j]
		b.WriteString(s[:i])
		if v, ok := vars[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

// assignInstructions are the supervisor's instructions (交办意见) with an assignment.
var assignInstructions = []string{
	"请认真核实投诉事项，调阅相关记录，与当事人谈话，于期限内报送办理结果。",
	"请核实窗口服务情况，属实的提出处理意见，并与投诉人沟通。",
	"请调查核实，提出处理意见和答复草稿，报督查处审核。",
}

// leaderInstructions are the director's instructions (批示).
var leaderInstructions = []string{
	"请督查处跟踪督办，查清事实，依规处理，及时答复群众。",
	"此事影响窗口形象，请认真核查，举一反三，抓好整改。",
	"请纪检同志提前介入，一查到底。",
}
