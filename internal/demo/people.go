package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"tousu"
)

// Invented complainants: common surnames and given names, mobile numbers drawn from the
// seed, resident ID numbers with a correct check character, addresses on made-up streets.

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var givenNames = []string{
	"建国", "秀英", "桂兰", "志强", "丽娟", "海燕", "伟", "芳", "敏", "静", "磊", "洋", "勇", "艳", "杰",
	"娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "玉兰", "婷婷", "欣怡", "子涵", "浩然",
	"宇轩", "晓东", "卫东", "红梅", "春燕", "文博", "思远", "佳琪", "雨桐", "俊杰", "振华", "国庆",
	"淑珍", "凤英", "秋菊", "德明", "永红", "建华", "立新", "晓峰", "丹丹", "亚楠", "志刚", "玉梅",
	"金凤", "宏伟", "春生", "淑华", "海龙", "晓丽", "雪梅", "嘉怡", "梓轩", "一鸣", "书琴", "长江",
}

var mobilePrefixes = []string{"139", "138", "137", "136", "135", "150", "151", "152", "158", "159",
	"182", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189", "177", "199"}

var streets = []string{"幸福路", "和顺里", "康宁街", "朝阳路", "文化路", "人民路", "胜利街", "光明里", "建设路", "育才路", "长青里", "友谊路"}

var companies = []string{"和平区鑫源商贸有限公司", "和平区佳禾餐饮店", "和平区博远信息技术有限公司", "和平区顺达物流有限公司",
	"和平区康泰大药房", "和平区美佳便利店", "和平区恒信装饰工程有限公司", "和平区小李面馆"}

// areaCodes are the first six digits of the invented ID numbers.
var areaCodes = []string{"120101", "120102", "120103", "120104", "120105", "120106"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func personName(r *rand.Rand) string {
	return string(surnames[r.IntN(len(surnames))]) + pick(r, givenNames)
}

func mobile(r *rand.Rand) string {
	return fmt.Sprintf("%s%08d", pick(r, mobilePrefixes), r.IntN(100000000))
}

// idNumber returns an 18-character resident ID number with a correct check character.
func idNumber(r *rand.Rand) string {
	birth := time.Date(1950+r.IntN(55), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	body := fmt.Sprintf("%s%s%03d", pick(r, areaCodes), birth.Format("20060102"), r.IntN(1000))
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * weights[i]
	}
	return body + string("10X98765432"[sum%11])
}

func email(r *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	for range 3 + r.IntN(5) {
		b.WriteByte(letters[r.IntN(len(letters))])
	}
	fmt.Fprintf(&b, "%d", 1960+r.IntN(45))
	// example.com: a demo must never be able to mail a real person.
	return b.String() + "@example.com"
}

func address(r *rand.Rand) string {
	return fmt.Sprintf("和平区%s%d号%d单元%d0%d室", pick(r, streets), 1+r.IntN(120), 1+r.IntN(6), 1+r.IntN(18), 1+r.IntN(4))
}

// complainant invents the person behind a complaint received on channel ch.
func complainant(r *rand.Rand, ch tousu.Channel, anonymous, business bool) tousu.Complainant {
	if anonymous {
		return tousu.Complainant{Anonymous: true}
	}
	c := tousu.Complainant{Name: personName(r), Phone: mobile(r)}
	switch ch {
	case tousu.ChannelEmail:
		c.Email = email(r)
		if chance(r, 0.4) {
			c.Phone = ""
		}
	case tousu.ChannelLetter:
		c.Address = address(r)
		if chance(r, 0.3) {
			c.Phone = ""
		}
	default:
		if chance(r, 0.08) {
			c.Email = email(r)
		}
		if chance(r, 0.2) {
			c.Address = address(r)
		}
	}
	if chance(r, 0.2) {
		c.IDNumber = idNumber(r)
	}
	if business && chance(r, 0.5) {
		c.Organization = pick(r, companies)
	}
	return c
}

var cnNumbers = []string{"零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"}

// cn writes a small count the way people say it: 两趟, 三次.
func cn(n int) string {
	if n >= 0 && n < len(cnNumbers) {
		return cnNumbers[n]
	}
	return fmt.Sprint(n)
}

// dayPhrase is how a citizen dates an incident: "11月3日上午".
func dayPhrase(t time.Time) string {
	part := "上午"
	switch m := t.Hour()*60 + t.Minute(); {
	case m >= 12*60 && m < 13*60+30:
		part = "中午"
	case m >= 13*60+30 && m < 18*60:
		part = "下午"
	case m >= 18*60:
		part = "晚上"
	}
	return dateOnly(t) + part
}

func dateOnly(t time.Time) string { return fmt.Sprintf("%d月%d日", t.Month(), t.Day()) }

func clock(t time.Time) string {
	if t.Minute() == 0 {
		return fmt.Sprintf("%d点", t.Hour())
	}
	return fmt.Sprintf("%d点%d分", t.Hour(), t.Minute())
}
