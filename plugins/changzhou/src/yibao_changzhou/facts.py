"""Facts 常州's rules read that core's model does not know (both schemes)."""

from __future__ import annotations

from yibao.facts import Fact, Word
from yibao_jiangsu.facts import JIANGSU_FACTS

# The hospitals the special-disease tables name as 认定医院 (resident §三(二)3.3,
# employee §四(二)3.3), and the four kinds of hospital they describe instead of naming.
HOSPITALS = (
    Word(
        code="oncology_level2",
        name_zh="开设肿瘤专科的二级（收费等级）以上定点医疗机构",
        name_en="a designated level-2+ hospital with an oncology department",
    ),
    Word(
        code="nephrology_level2",
        name_zh="具有肾内科、血液净化中心的二级以上定点医院",
        name_en="a designated level-2+ hospital with nephrology and a dialysis centre",
    ),
    Word(
        code="haematology_level3",
        name_zh="开设血液专科的三级医院",
        name_en="a level-3 hospital with a haematology department",
    ),
    Word(
        code="transplant_level3",
        name_zh="具备器官移植术后抗排异治疗技术条件的三级医院",
        name_en="a level-3 hospital equipped for post-transplant anti-rejection care",
    ),
    Word(code="dean", name_zh="德安医院", name_en="Dean Hospital"),
    Word(code="pla904", name_zh="第904医院（常州院区）", name_en="No. 904 Hospital (Changzhou)"),
    Word(code="nandu", name_zh="溧阳市南渡镇中心卫生院", name_en="Nandu Health Centre, Liyang"),
    Word(code="jintan2", name_zh="金坛二院", name_en="Jintan No. 2 Hospital"),
    Word(code="wujin3", name_zh="武进三院", name_en="Wujin No. 3 Hospital"),
    Word(code="changzhou1", name_zh="常州一院", name_en="Changzhou No. 1 Hospital"),
    Word(code="changzhou2", name_zh="常州二院", name_en="Changzhou No. 2 Hospital"),
    Word(code="changzhou3", name_zh="常州三院", name_en="Changzhou No. 3 Hospital"),
    Word(code="changzhou_tcm", name_zh="常州中医院", name_en="Changzhou TCM Hospital"),
    Word(code="wujin_people", name_zh="武进人民医院", name_en="Wujin People's Hospital"),
    Word(code="wujin_tcm", name_zh="武进中医院", name_en="Wujin TCM Hospital"),
    Word(code="liyang_people", name_zh="溧阳市人民医院", name_en="Liyang People's Hospital"),
    Word(code="liyang_tcm", name_zh="溧阳市中医院", name_en="Liyang TCM Hospital"),
    Word(code="jintan1", name_zh="金坛一院", name_en="Jintan No. 1 Hospital"),
    Word(code="children", name_zh="常州市儿童医院", name_en="Changzhou Children's Hospital"),
    Word(
        code="maternal_child",
        name_zh="常州市妇幼保健院",
        name_en="Changzhou Maternal and Child Health Hospital",
    ),
    Word(code="other", name_zh="其他医疗机构", name_en="another institution"),
)

CLAIM_FACTS = (
    Fact(
        name="months_since_transplant",
        on="claim",
        type="integer",
        minimum=0,
        maximum=1200,
        label_zh="器官移植术后月数",
        label_en="months since the organ transplant",
        help_zh="门诊特殊病器官移植抗排异：术后第一年与第二年起限额不同（§三(二)3.3）",
        help_en="special outpatient transplant care: the first year after surgery "
        "has its own limit (§三(二)3.3)",
    ),
    Fact(
        name="recognised_on",
        on="claim",
        type="date",
        label_zh="门诊特殊病认定日期",
        label_en="special disease recognised on",
        help_zh="认定时限1年（生长激素缺乏症2年）自认定之日起计（居民§三(二)3.3，职工§四(二)3.3）",
        help_en="a recognition holds 1 year (growth-hormone deficiency 2) from this day",
    ),
    Fact(
        name="recognised_at",
        on="claim",
        type="choice",
        label_zh="门诊特殊病认定医院",
        label_en="special disease recognised by",
        help_zh="须为该病种的认定医院（居民§三(二)3.3，职工§四(二)3.3）",
        help_en="must be one the table names for the disease",
        values=HOSPITALS,
    ),
    Fact(
        name="recognition_ended_on",
        on="claim",
        type="date",
        label_zh="门诊特殊病认定终止日期",
        label_en="special disease recognition ended on",
        help_zh="如生长激素缺乏症已达停药指征的，即时终止",
        help_en="e.g. growth-hormone treatment reached its stopping criteria",
    ),
    Fact(
        name="treatment",
        on="claim",
        type="choice",
        label_zh="门诊特殊病治疗方式",
        label_en="special disease treatment",
        help_zh="慢性肾功能衰竭透析与否、严重精神障碍类别：认定医院与认定时限不同",
        help_en="renal failure with or without dialysis, the severe mental disorder's "
        "kind: hospitals and recognition periods differ",
        values=(
            Word(code="dialysis", name_zh="血液透析、腹膜透析", name_en="dialysis"),
            Word(code="non_dialysis", name_zh="非透析治疗", name_en="non-dialysis care"),
            Word(
                code="named_mental_disorder",
                name_zh="精神分裂症等列明的严重精神障碍",
                name_en="a named severe mental disorder",
            ),
            Word(
                code="other_mental_disorder",
                name_zh="其他严重精神障碍类疾病",
                name_en="another severe mental disorder",
            ),
        ),
    ),
    Fact(
        name="ghd_maintenance_dose",
        on="claim",
        type="flag",
        label_zh="生长激素最低维持使用量",
        label_en="growth hormone at the minimum maintenance dose",
        help_zh="儿童生长激素缺乏症：最低维持使用量可追加至2.5万元/年（居民§三(二)3.3）",
        help_en="child growth-hormone deficiency: the limit may rise to 25,000 a year",
    ),
    Fact(
        name="hypertension_stage",
        on="claim",
        type="integer",
        minimum=1,
        maximum=3,
        label_zh="高血压分期",
        label_en="hypertension stage",
        help_zh="职工门诊慢性病高血压限Ⅱ、Ⅲ期（职工§四(二)2.1）",
        help_en="the employee chronic list takes hypertension at stages II and III only",
    ),
    Fact(
        name="special_material_unit_price",
        on="claim",
        type="money",
        label_zh="特殊医用材料单价",
        label_en="special medical material, unit price",
        help_zh="大病保险只计单价4万以内的费用（居民§四，职工§五）",
        help_en="critical illness counts unit prices up to 40,000 only",
    ),
    Fact(
        name="special_material_units",
        on="claim",
        type="integer",
        minimum=1,
        maximum=100,
        label_zh="特殊医用材料数量",
        label_en="special medical material, units",
    ),
    Fact(
        name="bed_fee_per_day",
        on="claim",
        type="money",
        label_zh="床位费（元/日）",
        label_en="bed fee per day",
        help_zh="大病保险只计床位费最高限价以内的费用（居民§四，职工§五）",
        help_en="critical illness counts bed fees within the price cap only",
    ),
    Fact(
        name="bed_days",
        on="claim",
        type="integer",
        minimum=1,
        maximum=366,
        label_zh="住院床日数",
        label_en="bed days",
    ),
)

PERSON_FACTS = (
    Fact(
        name="student_certified",
        on="person",
        type="flag",
        label_zh="在校生身份认证（18周岁以上）",
        label_en="school student certified (over 18)",
        help_zh="年满18周岁仍在本市就读的在校学生认证后按未成年居民缴费（居民§二(二)3）",
        help_en="an over-18 school student who certified pays as a minor (resident §二(二)3)",
    ),
)

FACTS = (*PERSON_FACTS, *CLAIM_FACTS, *JIANGSU_FACTS)
"""Every fact 常州 declares: its own and those of the Jiangsu layer below it."""
