"""Chinese (中文): every prose string of symnet's derivations, documents, figures and the tour.

The same keys as ``symnet.render.lang_en`` (a test checks it), in the words of the article.
"""

ZH = {
    # ---- derivations, documents and figures ----
    "title": "神经网络如何学习：一步一步看链式法则",
    "title_abstract": "神经网络如何学习：抽象神经元上的链式法则",
    "network": "网络",
    "nested": "嵌套形式（与原文写法一致）",
    "program": "计算程序（每步一个赋值）",
    "concrete": "具体的神经元（闭式表达）",
    "neuron_model": "每个神经元计算 {model}。",
    "loss": "损失函数",
    "loss_text": "损失函数衡量预测值 {yhat} 与真实值 {y} 之间的差距：",
    "derivative_of": "对 {param} 求导",
    "paths_intro_one": "从损失 {L} 出发，经过网络到达 {param} 的路径只有 1 条：",
    "paths_intro": "从损失 {L} 出发，经过网络到达 {param} 的路径共有 {count} 条：",
    "paths_intro_one_output": "从损失 {L} 出发，经过网络到达 {param} 的路径只有 1 条（{output} 是网络的输出）：",
    "paths_intro_output": "从损失 {L} 出发，经过网络到达 {param} 的路径共有 {count} 条（{output} 是网络的输出）：",
    "path": "路径 {k}",
    "chain_intro": "根据链式法则，导数等于各条路径上局部导数之积的总和：",
    "factors_intro": "每个局部导数都来自求导规则表中的一条规则（反向传播用的正是同一张表）：",
    "products_intro": "把每条路径上的因子相乘：",
    "sum_intro": "再把各条路径相加：",
    "compact_intro": "反向传播用共享的 δ（{delta}）算出同一个数：",
    "expanded_intro": "只用参数和输入写出来（闭式）：",
    "expanded_too_large": "闭式大约有 {ops} 个运算，太长了，这里不展开；上面的 δ 形式可以算出它。",
    "numbers_intro": "下面的数值都取在点 {point} 处，此时 {L} = {loss}。",
    "check_line": "各路径之和 = {value}；有限差分 = {fd}；{verdict}",
    "agree": "两者一致",
    "disagree": "两者不一致",
    "summary": "汇总",
    "summary_param": "参数",
    "summary_paths": "路径数",
    "summary_compact": "δ 形式",
    "summary_value": "数值",
    "summary_fd": "有限差分",
    "summary_ok": "一致",
    "method_backprop": "反向传播",
    "method_sympy": "sympy.diff",
    "method_numeric": "数值反向模式",
    "method_finite_diff": "有限差分",
    "check_max": "最大偏差",
    "yes": "是",
    "no": "否",
    "check": "数值检验",
    "check_intro": "平均损失的四种相互独立的梯度算法的比较（symnet.check_grads）：",
    "abstract_intro": "先不定义神经元 {f} 的具体形式。因为损失只通过模型输出 {yhat} 依赖于 {theta}，由链式法则"
                      "得到 {rule}，而 {dyhat} 是经过 {yhat} 回到 {theta} 的所有路径之和：",
    "abstract_program": "计算程序，每个神经元都是其参数与输入的未定义函数 {f}：",
    "abstract_loss": "对于损失函数 {loss}：",
    "abstract_chain": "经过 {yhat} 之后的每一步都是某个未定义神经元的偏导数；沿每条路径相乘，再把各条路径相加：",
    "rule": "规则",
    "where": "其中",
    "point": "该点",
    "graph_title": "计算图",
    "graph_paths": "红色为 {what} 的所有路径",
    "graph_legend": "每条箭头 u → v 上标注的是局部导数 ∂v/∂u；导数等于各条路径上标注之积的总和。",
    "chain rule": "链式法则",
    "sum rule": "加法法则",
    "product rule": "乘法法则",
    "power rule": "幂法则",
    "identity": "恒等",
    "neuron's own parameter": "神经元自身的参数",
    "neuron input": "神经元的输入",
    # ---- the tour (symnet tour): the article, section by section ----
    "section_model": "模型是一个函数",
    "section_network": "五神经元网络",
    "section_towers": "高台",
    "section_approx": "函数拟合",
    "section_descent": "损失与一元梯度下降",
    "section_gradients": "梯度与推导",
    "section_train": "训练",
    "section_check": "梯度验证",
    "page_title": "symnet 导览：神经网络如何工作",
    "page_lead": "本页中的每一个公式、数字和图都是 symnet 刚刚算出来的，按照《神经网络如何工作》这篇文章一节一节地走"
                 "一遍。",
    "footer": "由 symnet {version} 运行“{command}”生成。再运行一次即可复现每一个数字。",
    "files_heading": "本节生成的文件：",
    "skipped": "已跳过",
    # §0 the model as a function
    "model_title": "§0 模型是一个函数",
    "model_p1": "模型可以看作一个映射：F(感知) = 输出。在 symnet 里，模型就是一个对象：可以像函数一样调用，可以打印成"
                "公式，也可以和它要学习的理想函数 G 作比较。",
    "model_p2": "下面的 F 是文章里的五神经元网络，参数是随便取的；G 是同一个网络，但用的是“老师”的参数。所谓训练，就"
                "是调整 F 的参数，直到下表中两列数字一致。",
    "model_call": "在一个点上调用 F（先代入，再求值）：",
    "model_table": "在几个输入上比较 F 与理想函数 G；最后一列是平方误差 (G − F)²。",
    # §1 the network
    "network_title": "§1 什么是神经网络",
    "network_p1": "神经网络由许多神经元 f(θᵢ, x) 互相嵌套而成。symnet 原样写下文章中的网络；默认的神经元是 σ(Σ wᵢⱼ "
                  "uⱼ + bᵢ)，于是整个网络共有 {n_params} 个标量参数。",
    "network_p2": "同一个网络也是一段“直线程序”：每一步一个赋值，z 是加权和，h 是激活值。f(θ2, x2) 被用了两次但只算一"
                  "次：程序是一张图，而不是一棵树。",
    "network_nested": "嵌套形式的 F(Θ, x)：",
    "network_program": "程序形式（每个神经元写成 zᵢ 和 hᵢ）：",
    "network_closed": "展开形式（把每个神经元换成它的公式）：",
    "network_graph": "根据程序画出的网络：左边是输入，右边是损失 L。每条边上标着它的局部导数；高亮的两条路径就是 "
                     "∂L/∂w₂,₁ 的两项。",
    # §2 towers
    "towers_title": "§2 用五个 sigmoid 神经元搭一个“高台”",
    "towers_p1": "很陡的 sigmoid 几乎就是台阶。四个陡度为 {steepness} 的 sigmoid 标出平面上一个矩形的四条边，第五个神"
                 "经元 σ({gain}·(z − 1.1)) 只在四条边同时成立的地方“打开”：这就是一个高台。",
    "towers_formula": "写成网络的高台：",
    "towers_figure": "高台 Tower(x, y) 的三维图（文章中的第一张图）。",
    "towers_sum_figure": "文章中四个嵌套高台之和（输出陡度为 4）。",
    # §2 approximation
    "approx_title": "§2 高台叠加可以拟合任意连续函数",
    "approx_p1": "把正方形切成网格，在每个格子上放一个高台，高度取目标函数在那里的值，再全部加起来。高台越多（越小）"
                 "，误差越小：这就是文章中“神经网络可以拟合任意连续函数”的直观论证。",
    "approx_p2": "和原文有一处不同：这里的高台叠加用阈值 {threshold} 而不是 1.1。阈值为 1.1 时，高台在方块旁边仍会输"
                 "出 σ(30·(1 − 1.1)) ≈ {leak}，同一行、同一列的每个高台都会叠加这么多，误差反而会随高台数量增加而变大"
                 "。",
    "approx_target": "目标函数：",
    "approx_height": "G(第 k 个格子的中心)",
    "approx_figure": "左：原函数 G；右：用 {n}×{n} 个高台叠加得到的近似。",
    "approx_table": "随着高台数量增加的误差（在密集的测试网格上测量）；最后一列是最大误差比上一行缩小的倍数。",
    "approx_error_figure": "网格越细，误差越小，大约按 1/n 下降（对数坐标）。",
    # §3 loss and descent
    "descent_title": "§3 损失函数与一元函数的梯度下降",
    "descent_p1": "损失函数衡量 F 与 G 的差距，文章用的是 L(ŷ, y) = (y − ŷ)²。要让一个函数变小，就沿着导数的反方向走"
                  "一步：x ← x − η·dh/dx，其中 η 是学习速率。",
    "descent_p2": "这里 h(x) = x² − 2x 在 x = 1 处取得最小值。从 x = 3 出发：{outcomes}。",
    "list_sep": "；",
    "descent_settled": "η = {eta} 时，{steps} 步之后 x = {x}",
    "descent_diverged": "η = {eta} 时每一步都冲得更远，梯度下降发散了",
    "descent_loss": "损失函数：",
    "descent_rule": "更新规则与被最小化的函数：",
    "descent_figure": "在 h(x) 上做梯度下降：每个点是一步。",
    "descent_table": "梯度下降的前几步。",
    # §3 gradients and derivation
    "gradients_title": "§3 符号梯度与链式法则",
    "gradients_p1": "训练 F 需要每个参数的梯度 ∂L/∂θ。把链式法则 ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ 沿着程序一步步反向应用，每一步"
                    "得到一个伴随量 δ = ∂L/∂(该步)：这就是反向传播。",
    "gradients_p2": "下面的推导也写成了可以打印的文档：LaTeX 和 Markdown 格式，安装了 TeX 时还会生成 PDF。",
    "gradients_adjoints": "反向传播（δ = ∂L/∂·）：",
    "gradients_expanded": "完整展开的一个导数 ∂L/∂{param}：",
    "gradients_steps": "链式法则的逐步推导：",
    "gradients_doc": "五神经元网络的链式法则推导",
    "no_tex": "推导的 PDF：没有找到 LaTeX（{reason}）；.tex 和 .md 文件照常生成",
    # §3 training
    "train_title": "§3 训练：让电脑自动调参",
    "train_p1": "现在对所有参数同时执行更新 θ ← θ − η·∂L/∂θ，梯度来自编译好的程序（优化器为 Adam）。先让 §0 中的 F 从"
                " {n_samples} 个带噪声的样本中学习老师 G；再让一个 2-{hidden}-1 的多层感知机学习异或（XOR），这是单个"
                "神经元做不到的。",
    "train_rule": "更新规则：",
    "train_f_table": "再看一次 §0 的比较：五神经元网络 F 从 §0 的参数出发，训练之后离老师 G 近了很多。",
    "h_f_before": "训练前 F",
    "h_f_after": "训练后 F",
    "train_table": "训练前后的损失。",
    "train_seed_figure": "五神经元网络学习老师时的损失曲线。",
    "train_seed_graph": "训练后的五神经元网络：边越粗 |w| 越大，红色为正，蓝色为负。",
    "train_xor_boundary": "多层感知机学到的结果：平面上的 ŷ，以及两类之间的分界线 ŷ = 0.5。",
    "train_xor_figure": "多层感知机学习异或时的损失曲线。",
    "train_xor_table": "训练后的异或：网络输出 ŷ 与目标 y。",
    # §3 gradient check
    "check_title": "§3 四种梯度互相验证",
    "check_p1": "怎么知道符号梯度是对的？symnet 用四种相互独立的方法计算梯度：编译后的反向传播程序、对展开式做 "
                "sympy.diff、另写的数值反向模式、以及有限差分，并检查每两种之间都满足 |a − b| ≤ atol + rtol·max(|a|, "
                "|b|)。",
    "check_wrong": "这个检查不是走过场：如果故意把规则写错，用 σ′ = σ 代替 σ′ = σ(1 − σ)，编译后的反向传播在 {total} "
                   "个参数中有 {bad} 个与另外三种方法不一致。",
    "train_code": "每一步训练运行的 NumPy 代码，由梯度程序自动生成（先算 L，再算每个 δ）：",
    "check_table": "五神经元网络在一个随机点上的 ∂L/∂θ，四种算法。结论：{verdict}。",
    "check_ok": "四种梯度全部一致",
    "check_bad": "有梯度不一致",
    # table headers
    "h_cells": "n（每边格数）",
    "h_ratio": "最大误差缩小倍数",
    "h_towers": "高台数",
    "h_params": "参数个数",
    "h_rms": "均方根误差",
    "h_max": "最大误差",
    "h_network": "网络",
    "h_before": "训练前损失",
    "h_after": "训练后损失",
    "h_epochs": "轮数",
    "h_seed_fit": "五神经元网络 ← 老师 G",
    "h_xor_fit": "2-{hidden}-1 多层感知机 ← 异或",
    "h_step": "第 k 步",
}
