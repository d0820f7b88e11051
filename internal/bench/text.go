package bench

import (
	"math/rand/v2"
	"strings"
)

// The phrase pools that complaint texts are composed from: a matter of four to six
// clauses and a request of one or two, together about 300 characters, so that no two
// complaints read alike and a search term matches a realistic share of them.
var (
	openings = []string{
		"本人于%s到%s办理%s业务，",
		"%s上午我在%s窗口咨询%s事项，",
		"%s下午前往%s申请%s，",
		"我于%s通过网上预约到%s办理%s，",
		"%s陪同家中老人到%s办理%s，",
		"%s我第三次来到%s办理%s，",
	}
	services = []string{
		"不动产登记", "社保卡补办", "营业执照变更", "公积金提取", "医保报销", "户籍迁移", "出入境证件",
		"税务申报", "机动车登记", "居住证办理", "退休审批", "食品经营许可", "建设工程审批", "失业登记",
		"个体工商户注册", "生育津贴申领", "婚姻登记", "残疾人证办理", "契税缴纳", "危房改造补助",
	}
	conducts = []string{
		"窗口工作人员态度生硬，对我提出的问题不耐烦，多次打断我说话，",
		"工作人员在上班时间玩手机、聊天，让排队群众等候了四十多分钟，",
		"经办人员以系统故障为由拒绝受理，却没有说明何时能够恢复，",
		"工作人员要求我提供法律法规没有规定的证明材料，",
		"窗口没有一次性告知所需材料，我前后往返了三次仍未办成，",
		"叫号系统长时间不叫号，工作人员离岗后一直没有回来，",
		"工作人员对老年人不够耐心，讲解政策时语气冷漠，",
		"办理人员业务不熟练，前后给出的答复互相矛盾，",
		"窗口推诿扯皮，让我到其他部门去问，其他部门又让我回来，",
		"承诺五个工作日办结，已经超过二十天仍然没有结果，",
		"收费窗口收取了没有公示依据的费用，也没有开具正式票据，",
		"自助设备损坏多日无人维修，现场也没有人员引导，",
		"工作人员暗示可以找熟人加快办理，让我感到很不舒服，",
		"预约的时间到了却被告知号源作废，需要重新排队，",
	}
	details = []string{
		"当时现场还有很多群众，大家都很有意见。",
		"我当场提出疑问，对方只说这是规定，没有给出任何依据。",
		"我请求找负责人，被告知负责人不在，让我改天再来。",
		"我已经为此请假两天，往返路费和误工损失都不小。",
		"我拍下了现场照片，可以作为证据提供。",
		"旁边的保安和引导员也说不清楚应该怎么办。",
		"我拨打了咨询电话，但一直无人接听。",
		"后来在另一个窗口很快就办好了，说明材料本身没有问题。",
		"这不是第一次遇到类似情况，上个月也发生过。",
		"对方还说如果有意见可以去投诉，态度非常傲慢。",
		"窗口的服务承诺牌上写的办理时限和实际情况明显不符。",
		"我的孩子上学急需这份材料，耽误了报名时间。",
	}
	backgrounds = []string{
		"我事先在网上查询了办事指南，按照指南要求准备了身份证、户口本和相关申请表格的原件及复印件。",
		"当天大厅里排队的人很多，我从早上八点半开始取号，一直等到十一点多才轮到我。",
		"此前我已经通过电话咨询过，对方明确告诉我材料齐全就可以当场办理。",
		"我年纪大了，不太会使用自助设备，希望能得到工作人员的帮助。",
		"这项业务关系到我家的切身利益，前后已经拖了将近两个月。",
		"我是外地来本市工作的，对这里的办事流程不太熟悉，所以多问了几句。",
	}
	requests = []string{
		"请求有关部门调查核实，对相关工作人员进行批评教育，",
		"希望窗口改进服务态度，严格落实首问负责制和一次性告知制度，",
		"要求尽快为我办结相关业务，并对延误作出书面说明，",
		"请求退还不合理收取的费用，并公开收费依据，",
		"希望加强对窗口人员的管理和业务培训，",
		"要求对办理超期的原因作出解释，并给出明确的办结时间，",
		"建议增加高峰时段的窗口数量，缩短群众等候时间，",
		"希望维修自助设备，并安排人员在现场引导，",
	}
	closings = []string{
		"并将处理结果及时告知本人。",
		"避免类似问题再次发生。",
		"给群众一个满意的答复。",
		"切实维护群众的合法权益。",
	}
	dates = []string{"上周一", "本月三日", "前天", "上个月中旬", "本周三", "昨天", "上周五", "本月初"}

	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
	givenNames = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文斌辉鹏飞宇浩晨欣怡子涵梓轩雨")
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// matter composes a complaint's matter about a unit and a service.
func matter(r *rand.Rand, unit string) string {
	var b strings.Builder
	b.WriteString(strings.Replace(strings.Replace(strings.Replace(pick(r, openings),
		"%s", pick(r, dates), 1), "%s", unit, 1), "%s", pick(r, services), 1))
	first := r.IntN(len(conducts))
	b.WriteString(conducts[first])
	if r.IntN(2) == 0 {
		b.WriteString("而且" + conducts[(first+1+r.IntN(len(conducts)-1))%len(conducts)])
	}
	b.WriteString("导致我的事情没有办成。")
	b.WriteString(pick(r, backgrounds))
	for n := 3 + r.IntN(3); n > 0; n-- {
		b.WriteString(pick(r, details))
	}
	return b.String()
}

// request composes what the complainant asks for.
func request(r *rand.Rand) string {
	s := pick(r, requests)
	if r.IntN(2) == 0 {
		s += pick(r, requests)
	}
	return s + pick(r, closings)
}

// personName is a plausible Chinese name of two or three characters.
func personName(r *rand.Rand) string {
	n := string(pick(r, surnames)) + string(pick(r, givenNames))
	if r.IntN(3) > 0 {
		n += string(pick(r, givenNames))
	}
	return n
}
