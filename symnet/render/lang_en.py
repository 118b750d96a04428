"""English: every prose string of symnet's derivations, documents, figures and the tour.

Words only; formulas are never translated (the printers write them). ``symnet.render.i18n.t`` looks
keys up; ``symnet.render.lang_zh`` has the same keys (a test checks it).
"""

EN = {
    # ---- a typed matrix loss's derivation (symnet.render.typed_section) ----
    "typed_title": "How a typed matrix loss learns: the adjoint sweep, step by step",
    "typed_loss": "The loss",
    "typed_loss_text": "The loss as typed, read back by the parser, and the declared shape of every matrix (a vector is a column):",
    "typed_forward": "The forward steps",
    "typed_forward_text": "symnet names every number made of a matrix (a norm, a sum, a trace) and every entrywise step, so the loss is a straight-line program; each step with its shape:",
    "typed_sweep": "The adjoint sweep",
    "typed_sweep_text": "symnet visits the steps backwards. The adjoint ∂L/∂s of each step is handed to the step's arguments by one vector–Jacobian row of the rule table (written after each line, δ standing for the step's adjoint); terms from several steps add up. Nothing below was typed in:",
    "typed_closed": "The gradient",
    "typed_closed_text": "Substituting the sweep back and simplifying for reading gives each derivative as one matrix formula, with its shape (the shape of the parameter):",
    "typed_check": "Four gradients agree",
    "typed_check_text": "At random data (every size 8) and random parameters, the compiled matrix gradient, the loss lowered to scalars and differentiated by symnet's scalar rules, sympy.diff of the same scalar formula, and central finite differences:",
    "typed_second": "Second derivatives",
    "typed_second_text": "The gradient program (the forward steps, then the adjoint sweep above) is differentiated once more, forward, along a direction v of the parameter's shape: the Hessian by the parameter, in vectorized form, with its shape and vec order, and the Hessian-vector product it is read off:",
    "typed_second_vec": "vec({w}) row-major: {w}[i, a] is entry i*{k} + a",
    "typed_second_sweep": "The tangent sweep",
    "typed_second_sweep_text": "Each step u that depends on the parameter gets its change d_u along v (the parameter's own change is v), from one Jacobian–vector row of the rule table (written after each line, a dotted letter standing for a change). The change of ∂L/∂p is H v; sympy.diff is never called:",
    "typed_second_check": "Four Hessians agree",
    "typed_second_check_text": "At random data (every size 8) and random parameters, each entry on and above the diagonal of the compiled Hessian, the compiled Hessian-vector product with each unit vector, sympy.diff twice of the loss lowered to scalars, and central differences of the compiled gradient:",
    # ---- the BP1–BP4 section: a program with matrix steps (symnet.render.bp_section) ----
    "bp_title": "Backpropagation in matrix form: the four equations BP1–BP4",
    "bp_network": "The network",
    "bp_network_text": "Layer l computes zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = σ(zˡ), with a⁰ = x. For {spec} ({params} parameters) the"
                       " program is, with the shape of every quantity:",
    "bp_loss": "The loss",
    "bp_loss_text": "The loss of one sample compares the output with the target y ({loss}):",
    "bp_rows": "The softmax by rows",
    "bp_rows_text": "A = softmax(S) takes the softmax of each row of S. One row at a time, its Jacobian gives the rule the reverse sweep uses for all rows at once:",
    "bp_sweep": "The reverse sweep",
    "bp_sweep_text": "symnet visits the steps backwards. The adjoint δˡ = ∂C/∂zˡ of each step is handed to the step's "
                     "arguments by one matrix rule of the rule table; nothing below was typed in:",
    "bp_rule_bp1": "BP1: the loss's gradient ∇ₐC times σ′(zᴸ) entry by entry (elementwise rule)",
    "bp_rule_fused": "BP1: the output activation and the loss are one stable step, so δᴸ = aᴸ − y",
    "bp_rule_bp2": "BP2: the product rule gives (Wˡ⁺¹)ᵀ δˡ⁺¹, the elementwise rule multiplies by σ′(zˡ)",
    "bp_rule_bp3": "BP3: a sum passes δ on unchanged, so the bias gets δˡ",
    "bp_rule_bp4": "BP4: the product rule for Wˡ aˡ⁻¹ gives δˡ (aˡ⁻¹)ᵀ",
    "bp_equations": "The four equations",
    "bp_equations_text": "Read by layer, these lines are Nielsen's four equations of backpropagation:",
    "bp_batch": "Over a batch",
    "bp_batch_text": "The compiled code stacks the N samples of a batch as rows: X is N × n₀, and Zˡ, Aˡ, Δˡ are N × nₗ. "
                     "The per-sample products then sum over the samples by themselves, so no per-sample gradient is ever "
                     "stored:",
    "bp_check": "Checked four ways",
    "bp_check_text": "The matrix gradient, the lowered scalar program (entries w_{j,k}), the numeric reverse mode and "
                     "finite differences at a random point:",
    # per kind of network: a convolutional network (conv) and an attention head (attention)
    "bp_title_conv": "Backpropagation through a convolutional network",
    "bp_title_attention": "Backpropagation through an attention head",
    "bp_network_text_conv": "Each step is one of: a convolution zˡ = Kˡ ⋆ aˡ⁻¹ + bˡ (a cross-correlation, as every "
                            "framework computes it: each filter slides over its input with the stride and padding "
                            "noted, multiplies and sums), an activation aˡ = σ(zˡ) entry by entry, a pooling, a "
                            "flatten, and dense layers zˡ = Wˡ f + bˡ. An image is F × H × W per sample, a kernel "
                            "F × C × kh × kw. For {spec} ({params} parameters) the program is, with the shape of "
                            "every quantity:",
    "bp_network_text_attention": "The head reads the T tokens as the rows of X: it projects them to queries Q = XW_Q, "
                                 "keys K = XW_K and values V = XW_V, scores S = QKᵀ/√d_k, takes the softmax of each "
                                 "row A = softmax(S) and mixes O = AV, i.e. softmax(QKᵀ/√d_k)V; a readout h = Oᵀr "
                                 "feeds a dense layer z = W_o h + b_o. For {spec} ({params} parameters) the program "
                                 "is, with the shape of every quantity:",
    "bp_equations_text_conv": "Only the dense layers read as Nielsen's four equations. A convolution's rows are their "
                              "counterparts: ∂C/∂K = X ⋆ δ where BP4 has δ aᵀ, ∂C/∂X = δ ∗full rot180(K) where BP2 "
                              "has Wᵀ δ, and ∂C/∂b = Σ δ over the pixels where BP3 has δ:",
    "bp_equations_text_attention": "Only the readout's dense layer reads as Nielsen's equations (BP1, BP3, BP4); "
                                   "the head's lines are the product rule and the softmax by rows:",
    "bp_batch_text_conv": "The compiled code holds a batch as N × C × H × W arrays; ∂C/∂K and ∂C/∂b sum over the "
                          "samples as they sum over the pixels. The dense layers stack the samples as rows, so their "
                          "per-sample products sum over the samples by themselves:",
    "bp_batch_text_attention": "The compiled code holds a batch of N sequences as an N × T × d array; every product "
                               "above runs per sequence and the parameters' rows sum over the sequences, the dense "
                               "readout's as:",
    # what each line is (symnet.derivation.matrix.step_rules and forward_rules)
    "bp_rule_conv_k": "∂C/∂K = X ⋆ δ: the kernel's gradient is the correlation of the layer's input with δ",
    "bp_rule_conv_x": "∂C/∂X = δ ∗full rot180(K): δ goes back to the input by the full convolution with the flipped kernel",
    "bp_rule_conv_b": "∂C/∂b = Σ δ: each filter's bias is added at every pixel, so it collects δ summed over the pixels",
    "bp_rule_maxpool": "max pooling: each window's δ goes back to the entry that was largest (its argmax), zero elsewhere",
    "bp_rule_avgpool": "average pooling: each window's δ is spread evenly over its k × k entries, δ/k² each",
    "bp_rule_flatten": "flatten only reshapes: δ is put back in the image's shape F × H × W, no number changes",
    "bp_rule_softmax_rows": "softmax by rows: each row's Jacobian diag(a) − aaᵀ applied to g simplifies to "
                            "a ⊙ (g − rowsum(a ⊙ g)), derived below",
    "bp_rule_product": "the product rule: for Y = A B, ∂C/∂A = Ḡ Bᵀ and ∂C/∂B = Aᵀ Ḡ, where Ḡ = ∂C/∂Y",
    "bp_rule_dense_back": "the product rule gives (Wˡ⁺¹)ᵀ δˡ⁺¹",
    "bp_rule_elementwise": "the elementwise rule multiplies by σ′(zˡ)",
    "bp_fwd_conv": "cross-correlation of the {C} × {H} × {W} input with {F} filters of {C} × {kh} × {kw}, stride "
                   "{stride}, padding {pad}, plus each filter's bias",
    "bp_fwd_activation": "the activation, entry by entry",
    "bp_fwd_maxpool": "max pooling: the largest entry of each {k} × {k} window, channel by channel",
    "bp_fwd_avgpool": "average pooling: the mean of each {k} × {k} window, channel by channel",
    "layer_summary": "{spec}: {n} parameters in {params}",
    "bp_pool_floor": "{stage} on {H} × {W} uses {h} × {w} and drops the last {dropped}, as PyTorch's pooling does",
    "bp_dropped_row": "row",
    "bp_dropped_rows": "{n} rows",
    "bp_dropped_col": "column",
    "bp_dropped_cols": "{n} columns",
    "bp_dropped_and": " and ",
    "bp_note_join": "; ",
    "bp_fwd_flatten": "flatten only reshapes: the same {n} numbers as one column",
    "bp_fwd_projection": "the tokens (rows of X) times one matrix",
    "bp_fwd_scores": "the scores QKᵀ/√d_k: how well each token's query matches each key",
    "bp_fwd_softmax_rows": "softmax of each row: the attention weights, each row sums to 1",
    "bp_fwd_mix": "each token's output is the weighted mean of the rows of V: softmax(QKᵀ/√d_k)V",
    "bp_fwd_readout": "the readout: the rows of O that r picks",
    # ---- derivations, documents and figures ----
    "title": "How the network learns: the chain rule, step by step",
    "title_abstract": "How the network learns: the chain rule with abstract neurons",
    "network": "The network",
    "nested": "Nested form (as the article writes it)",
    "nested_plain": "Nested form",
    "graph_figure": "The computational graph, parameters as nodes: each edge u → v carries ∂v/∂u, and a "
                    "derivative is the sum over its paths to L of the products of the edge labels.",
    "factors_title": "Local derivatives",
    "factors_shared": "Each local derivative comes from one rule of the rule table (the same table backprop uses). "
                      "Every path below is a product of factors from this one table:",
    "factors_see": "The factors are the local derivatives in the table above.",
    "program": "Program (one assignment per step)",
    "concrete": "Concrete neurons (closed form)",
    "neuron_model": "Each neuron computes {model}.",
    "loss": "The loss",
    "loss_text": "The loss compares the prediction {yhat} with the target {y}:",
    "derivative_of": "Derivative by {param}",
    "paths_intro_one": "One path leads from the loss {L} to {param} through the network:",
    "paths_intro": "{count} paths lead from the loss {L} to {param} through the network:",
    "paths_intro_one_output": "One path leads from the loss {L} to {param} through the network ({output} is "
                              "its output):",
    "paths_intro_output": "{count} paths lead from the loss {L} to {param} through the network ({output} is "
                          "its output):",
    "path": "path {k}",
    "chain_intro": "By the chain rule, the derivative is a sum over the paths of products of local derivatives:",
    "factors_intro": "Each local derivative comes from one rule of the rule table (the same table backprop uses):",
    "products_intro": "Multiplying the factors along each path:",
    "sum_intro": "Adding the paths:",
    "compact_intro": "Backprop computes the same number with shared δ's ({delta}):",
    "expanded_intro": "Written out in the parameters and inputs only (closed form):",
    "expanded_too_large": "The closed form would have about {ops} operations, so it is not written out; "
                          "the δ-form above computes it.",
    "numbers_intro": "The numbers below are at the point {point}, where {L} = {loss}.",
    "check_line": "sum over paths = {value}; finite differences = {fd}; {verdict}",
    "agree": "they agree",
    "disagree": "they DISAGREE",
    "summary": "Summary",
    "summary_param": "parameter",
    "summary_paths": "paths",
    "summary_compact": "δ-form",
    "summary_value": "value",
    "summary_fd": "finite diff.",
    "summary_ok": "ok",
    "method_backprop": "backprop",
    "method_sympy": "sympy.diff",
    "method_numeric": "numeric",
    "method_finite_diff": "finite differences",
    "check_max": "max Δ",
    "yes": "yes",
    "no": "no",
    "check": "Numeric check",
    "check_intro": "Four independent gradients of the mean loss, compared (symnet.check_grads):",
    "abstract_intro": "Keep the neuron {f} undefined. Since the loss depends on {theta} only through the output "
                      "{yhat}, the chain rule gives {rule}, and {dyhat} is a sum over the paths through {yhat} "
                      "back to {theta}:",
    "abstract_program": "Program, each neuron an undefined function {f} of its parameter and inputs:",
    "abstract_loss": "For the loss {loss}:",
    "abstract_chain": "Each hop past {yhat} is a partial derivative of an undefined neuron; multiplying along "
                      "each path and adding the paths:",
    "rule": "rule",
    "where": "where",
    "point": "the point",
    "graph_title": "Computational graph",
    "graph_paths": "paths of {what} in red",
    "graph_legend": "Each arrow u → v is labelled with its local derivative ∂v/∂u; "
                    "a derivative is the sum over paths of the products of these labels.",
    # rule names (Rule.name in symnet.derivation.rules; rules with a formula show the formula)
    "chain rule": "chain rule",
    "sum rule": "sum rule",
    "product rule": "product rule",
    "power rule": "power rule",
    "identity": "identity",
    "neuron's own parameter": "neuron's own parameter",
    "neuron input": "neuron input",
    # ---- the quiz (symnet quiz): check the learner's derivative ----
    "quiz_question": "Question: {what} for the network {network}",
    "quiz_prompt": "{what} = ",
    "quiz_answer": "Your answer: {answer}",
    "quiz_right": "Right: your answer is {what}.",
    "quiz_wrong": "Not right: your answer is not {what}.",
    "quiz_by_expanded": "Decided symbolically: your answer minus the chain rule's sum expands to 0.",
    "quiz_by_simplified": "Decided symbolically: your answer minus the chain rule's sum simplifies to 0.",
    "quiz_by_points": "Decided numerically: equal to 50 digits at {points} random points (the symbolic "
                      "simplification did not finish in time).",
    "quiz_by_witness": "Decided numerically: at {point} your answer is {mine}, but {what} is {truth}.",
    "quiz_by_not_real": "Decided numerically: at {point} your answer is not a real number.",
    "quiz_paths": "The chain rule has {count} path(s) from {wrt} to L:",
    "quiz_have": "you have the path {path}",
    "quiz_missing": "missing: {path}",
    "quiz_scaled_all": "your answer is {factor} × {what}: check the constant and the sign (∂L/∂ŷ = {dl})",
    "quiz_counted": "the path {path} is counted {times} times",
    "quiz_term_path": "the term {term} is the path {path}",
    "quiz_term_scaled": "the term {term} is {factor} × the path {path}",
    "quiz_term_missing_factor": "the term {term} follows the path {path} but misses the factor {factor}",
    "quiz_term_extra_factor": "the term {term} follows the path {path} with an extra factor {factor}",
    "quiz_term_unknown": "the term {term} is no path; nearest is {path}, which it differs from by the factor {ratio}",
    "quiz_term_unreal": "the term {term} is not a real number at the random points",
    "quiz_all_missing_factor": "every path has the factor {factor}; your answer misses it",
    "quiz_all_extra_factor": "your answer has an extra factor {factor}, which every path has once already",
    "quiz_parts": "The product rule over the chain rule's {count} path(s) gives {n} term(s) of {what}:",
    "quiz_part": "∂/∂{b} of {factor} on the path {path}",
    "quiz_no_parts": "your answer is no sum of the product rule's terms; compare it term by term with symnet derive",
    "quiz_have_part": "you have the term {path}",
    "quiz_missing_part": "missing the term {path}",
    "quiz_err_layers": "the quiz asks about scalar networks (seed, mlp:2-3-1, --expr); a layer network's derivative"
                       " is a matrix (see symnet derive … for BP1–BP4)",
    "quiz_err_cannot_ask": "--wrt: cannot ask for ∂L/∂{wrt}; {suggest}",
    "quiz_err_no_path": "--wrt: L does not depend on {wrt}, so ∂L/∂{wrt} = 0 has no chain-rule path to ask about",
    "quiz_err_second": "--wrt {a},{b}: the second name of a Hessian entry is a parameter or an input; {suggest}",
    "quiz_err_neuron": "the answer is a formula of the nodes (h2, z3, …), not of neurons f(θ, …)",
    "quiz_err_delta": "the answer names δ_{name}, but only the δ's of nodes between {wrt} and L may appear (δ_t ="
                      " ∂L/∂t): {deltas}",
    "quiz_err_unknown": "unknown name '{name}' in the answer; {suggest}. Functions: {functions}",
    "quiz_err_close": "did you mean {close}? ",
    "quiz_err_known": "expected one of: {known}",
    "quiz_need_answer": "give the answer with --answer FORMULA (or type it when asked)",
    "cli_wrote": "wrote {path}",
    "predict_accuracy": "accuracy {accuracy} ({right} of {rows} rows of {source})",
    "predict_loss": "mean loss {loss} on {rows} rows of {source}",
    "predict_rows": "{rows} rows of {source}",
    "cli_error": "Error: ",
    "method_matrix": "matrix",
    "method_lowered": "lowered scalar",
    "check_no": "NO",
    "check_all_agree": "all gradients agree",
    "check_n_disagree": "{n} parameter(s) DISAGREE",
    "check_all_agree2": "all second derivatives agree",
    "check_n_disagree2": "{n} entries DISAGREE",
    "check_footer": "mean loss L = {loss}; rtol = {rtol}, atol = {atol}·max(1, |L|); {verdict}",
    "check_skipped": "skipped {method}: {reason}",
    "cli_section_network": "network",
    "cli_section_inputs": "inputs",
    "cli_section_parameters": "parameters ({n})",
    "cli_section_program": "program",
    "cli_section_closed_form": "closed form",
    "cli_section_loss": "loss",
    "cli_section_expanded": "derivatives (expanded)",
    "cli_section_gradient_program": "gradient program",
    "cli_section_values": "values",
    # ---- symnet train's summary, its progress lines and symnet hessian's titles ----
    "train_trained": "trained {network} on {data}: {n} training samples",
    "train_trained_layers": "trained {network} ({params} parameters) on {data}: {n} training and {n_test} test samples",
    "train_and_validation": ", {n} validation",
    "train_settings": "optimizer {optimizer}, η = {eta}, {epochs} epochs, batch {batch}, seed {seed}, loss {loss}",
    "train_settings_layers": "optimizer {optimizer}, η = {eta} decaying to 0, {epochs} epochs, batch {batch}, "
                             "weight decay {decay}, seed {seed}, loss {loss}",
    "train_batch_all": "all",
    "train_final_loss": "final loss: train {train}",
    "train_accuracy": "accuracy: train {train}",
    "train_held_validation": ", validation {value}",
    "train_held_test": ", test {value}",
    "train_time": "time: {seconds} s",
    "train_time_rate": "time: {seconds} s ({rate} samples/s)",
    "train_epoch": "epoch {epoch}/{epochs}: loss {loss}",
    "train_epoch_validation": ", validation loss {value}",
    "train_epoch_test": ", test loss {value}",
    "hessian_second": "second derivatives (i ≤ j: the matrix is symmetric)",
    "hessian_curvature": "curvature",
    "hessian_not_finite": "the Hessian is not finite at this point: no eigenvalues",
    "hessian_eigenvalues": "eigenvalues λ = {eigenvalues}",
    "hessian_no_limit": "λ_max ≤ 0: no positive curvature here, so no learning rate limit from it",
    "hessian_limit": "largest stable learning rate 2/λ_max = {limit} (near a minimum, descent with a larger η "
                     "diverges along the eigenvector of λ_max)",
    "cli_tower": "tower",
    "cli_nested_towers": "{n} nested towers",
    "cli_tower_summary": "{kind} {boxes}: {neurons} sigmoid neurons, {params} params (steepness {steepness}, "
                         "sharpness {sharpness}, threshold {threshold})",
    "cli_study_title": "{target} on {domain}",
    "cli_study_n": "n",
    "cli_study_towers": "towers",
    "cli_study_bumps": "bumps",
    "cli_study_params": "params",
    "cli_study_max_error": "max error",
    "cli_study_rms_error": "rms error",
    "cli_study_max_ratio": "max ratio",
    # ---- the tour (symnet tour): the article, section by section ----
    "section_model": "model as a function",
    "section_network": "five-neuron network",
    "section_towers": "towers",
    "section_approx": "approximation",
    "section_descent": "loss and 1-D descent",
    "section_gradients": "gradients and derivation",
    "section_train": "training",
    "section_check": "gradient check",
    "section_layers": "from 11 parameters to 10,000: layers and digits",
    "section_models": "convolution and attention: the same sweep",
    "page_title": "symnet tour: how a neural network learns",
    "page_lead": "Every formula, number and figure on this page was computed just now by symnet, following the "
                 "article “神经网络如何工作” (How neural networks work) section by section.",
    "footer": "Made by symnet {version} with “{command}”. Run it again to reproduce every number.",
    "files_heading": "Files written by this section:",
    "skipped": "Skipped",
    # §0 the model as a function
    "model_title": "§0 The model is a function",
    "model_p1": "A model maps what it perceives to an output: F(perception) = output. In symnet the model is an "
                "object you can call like a function, print as a formula, and compare with the ideal function G it "
                "should learn.",
    "model_p2": "Below, F is the article's five-neuron network with made-up parameters and G is the same network "
                "with the parameters of a “teacher”. Training means changing F's parameters until the two columns "
                "agree.",
    "model_call": "F called at one point (exact substitution, then evaluated):",
    "model_table": "F against the ideal G on a few inputs; the last column is the squared error (G − F)².",
    # §1 the network
    "network_title": "§1 The five-neuron network",
    "network_p1": "A network is neurons f(θᵢ, x) nested inside each other. symnet writes the article's network "
                  "verbatim; with the default neuron σ(Σ wᵢⱼ uⱼ + bᵢ) it has {n_params} scalar parameters.",
    "network_p2": "The same network is also a straight-line program: one assignment per step, z for the weighted sum "
                  "and h for the activation. f(θ₂, x₂) is used twice but computed once: the program is a graph, not "
                  "a tree.",
    "network_nested": "The nested formula F(Θ, x):",
    "network_program": "The program (every neuron as zᵢ and hᵢ):",
    "network_closed": "The closed form (every neuron replaced by its formula):",
    "network_graph": "The network drawn from its program, inputs and parameters (green) on the left and the "
                     "loss L on the right; each edge u → v carries ∂v/∂u, so the edge w₂,₁ → f₂ carries "
                     "∂h₂/∂w₂,₁ = x₂·h₂(1 − h₂). Two highlighted paths lead from w₂,₁ to L (f₂ feeds both f₃ "
                     "and f₄): the labels along each multiply to one term of ∂L/∂w₂,₁, and the derivative is "
                     "the sum of the two products.",
    # §2 towers
    "towers_title": "§2 A tower from five sigmoid neurons",
    "towers_p1": "Steep sigmoids are almost steps. Four of them (steepness {steepness}) mark the edges of a "
                 "rectangle in the plane, and a fifth neuron, σ({gain}·(z − 1.1)) with sharpness s = {gain}, "
                 "switches on only where all four agree: a tower.",
    "towers_formula": "The tower as a network:",
    "towers_figure": "The tower Tower(x, y) in 3-D, the article's first figure.",
    "towers_sum_figure": "The article's sum of four nested towers (sharpness s = 4).",
    # §2 approximation
    "approx_title": "§2 Sums of towers approximate any function",
    "approx_p1": "Cut the square into a grid, put one tower on each cell with the height of the target function "
                 "there, and add them up. The more (and the smaller) the towers, the smaller the error: this is the "
                 "article's intuitive argument that networks can fit any continuous function.",
    "approx_p2": "One change from the article: these sums use the threshold {threshold} instead of 1.1. With 1.1, a "
                 "tower still outputs σ(30·(1 − 1.1)) ≈ {leak} beside its box, every tower in the same row and "
                 "column adds that much, and the error would grow as towers are added.",
    "approx_target": "Target function:",
    "approx_height": "G(centre of cell k)",
    "approx_figure": "Left: the target G. Right: its approximation by {n}×{n} towers. One colour scale, white at 0: "
                     "blue below, red above.",
    "approx_table": "Error as towers are added, measured on a dense test grid; the last column is how many times "
                    "smaller the maximum error got than in the row above.",
    "approx_error_figure": "The error falls like 1/n as the grid gets finer (log-log axes).",
    # §3 loss and descent
    "descent_title": "§3 The loss and gradient descent in one dimension",
    "descent_p1": "A loss measures how far F is from G; the article's is L(ŷ, y) = (y − ŷ)². To make a function "
                  "smaller, step against its derivative: x ← x − η·dh/dx, with learning rate η.",
    "descent_p2": "Here h(x) = x² − 2x has its minimum at x = 1. Starting from x = 3: {outcomes}.",
    "list_sep": "; ",
    "descent_settled": "with η = {eta}, after {steps} steps x = {x}",
    "descent_diverged": "with η = {eta} every step overshoots further and the descent diverges",
    "descent_loss": "The loss:",
    "descent_rule": "The update rule and the function being minimised:",
    "descent_figure": "Gradient descent on h(x): every dot is one step.",
    "descent_table": "The first steps of the descent.",
    # §3 gradients and derivation
    "gradients_title": "§3 Symbolic gradients and the chain rule",
    "gradients_p1": "To train F we need ∂L/∂θ for every parameter. The chain rule ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ, applied "
                    "step by step backwards through the program, gives one adjoint δ = ∂L/∂(step) per step: this is "
                    "backpropagation.",
    "gradients_p2": "The derivation below is also written as a document you can print: LaTeX and Markdown, and PDF "
                    "when TeX is installed.",
    "gradients_adjoints": "The backward sweep (δ = ∂L/∂·):",
    "gradients_expanded": "One derivative written out in full, ∂L/∂{param}:",
    "gradients_steps": "The chain-rule derivation, step by step:",
    "gradients_doc": "the chain-rule derivation of the seed network",
    "no_tex": "PDF of the derivation: no LaTeX found ({reason}); the .tex and .md files were still written",
    # §3 training
    "train_title": "§3 Training: the computer adjusts the parameters",
    "train_p1": "Now the update θ ← θ − η·∂L/∂θ runs on every parameter at once: plain gradient descent on the "
                "whole data set each epoch, with gradients from the compiled program. First §0's F learns the "
                "teacher G from {n_samples} noisy samples (η = {eta}); then a 2-{hidden}-1 MLP learns XOR, "
                "which no single neuron can (η = {eta_xor}). symnet also has the Momentum and Adam optimisers "
                "(train(..., optimizer=\"adam\")); the tour does not use them.",
    "train_rule": "The update rule:",
    "train_f_table": "§0's comparison again: the seed network F started from §0's parameters; after training it is "
                     "much closer to the teacher G.",
    "h_f_before": "F before",
    "h_f_after": "F after",
    "train_table": "Loss before and after training.",
    "train_seed_figure": "Loss curve of the seed network learning its teacher.",
    "train_seed_graph": "The seed network after training: edge width is |w|, red positive, blue negative.",
    "train_xor_boundary": "What the MLP learned: ŷ over the plane and the boundary ŷ = 0.5 between the classes.",
    "train_xor_figure": "Loss curve of the MLP learning XOR.",
    "train_xor_table": "XOR after training: the network's output ŷ against the target y.",
    # §3 gradient check
    "check_title": "§3 Four gradients that agree",
    "check_p1": "How do we know the symbolic gradient is right? symnet computes it four independent ways — the "
                "compiled backprop program, sympy.diff of the closed form, a separate numeric reverse mode, and "
                "finite differences — and checks that every pair agrees to |a − b| ≤ atol + rtol·max(|a|, |b|).",
    "check_wrong": "The check is not a formality: with a deliberately wrong rule, σ′ = σ instead of σ′ = σ(1 − σ), "
                   "the compiled backprop disagrees with the other three methods for {bad} of the {total} parameters.",
    "train_code": "The NumPy code every training step runs, generated from the gradient program (L, then every δ):",
    "check_table": "∂L/∂θ of the seed network at a random point, four ways. Verdict: {verdict}.",
    "check_ok": "all four agree",
    "check_bad": "some gradients DISAGREE",
    # from 11 parameters to 10,000: layer networks
    "layers_title": "From 11 parameters to 10,000",
    "layers_p1": "The seed network has 11 parameters; the models the article points to have more than ten thousand, "
                 "and one NumPy call per scalar no longer scales. So write a whole layer as one step: "
                 "zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = σ(zˡ), with a weight matrix Wˡ (nₗ × nₗ₋₁) and a bias column bˡ. symnet's "
                 "reverse sweep is the one of §3; with the matrix rules (product, transpose, elementwise σ, the "
                 "Hadamard product ⊙, softmax with cross-entropy as one stable step) it derives Nielsen's four "
                 "equations of backpropagation, BP1–BP4.",
    "layers_p2": "Below, row by row: each of Nielsen's four equations as he writes them (per sample, for any "
                 "activation σ and cost C), then its instance in the seed network (sigmoid neurons, L = (y − ŷ)², "
                 "one number per line) and in the layer network trained below (ReLU, then softmax with the "
                 "log-likelihood cost C = −Σⱼ yⱼ log aⱼ, one matrix per line). The scalar lines are not entries of the "
                 "matrix lines: they are two different networks obeying the same equations. BP2–BP4 hold for both as "
                 "written (BP3: ∂C/∂b = δ; BP4: ∂C/∂W = δ aᵀ). BP1 does not hold for a softmax output: softmax's "
                 "Jacobian is not diagonal, each aⱼ depends on every zₖ, so δᴸ is not ∇ₐC ⊙ σ′(zᴸ). Softmax with the "
                 "log-likelihood replaces BP1 by δᴸ = aᴸ − y, as the Jacobian line below shows. symnet derived the "
                 "matrix side for the network trained below; each line's shape is on its right.",
    "layers_p3": "The same machinery classifies real handwritten digits: {spec} has {params} parameters and trains on "
                 "scikit-learn's 8×8 digits ({n_train} training images, {n_test} held out) for {epochs} epochs, on "
                 "mini-batches of {batch}, with {optimizer}: learning rate η = {eta}, decayed linearly to 0 over the "
                 "run (ηₑ = η·(1 − e/E) in epoch e of E), and weight decay λ = {decay} (an L2 penalty ½λ‖Wˡ‖² on the "
                 "weight matrices, not the biases), so each step moves θ by {optimizer} on ∂C̄/∂θ + λW. Its gradient "
                 "is compiled to matrix products (@). It classifies {accuracy}% of the held-out images correctly. "
                 "symnet train {spec} --data digits --epochs {epochs} --out run does the same on the command line.",
    "layers_beside": "Nielsen's four equations, each with its instance in the seed network's scalar sweep and in the "
                     "matrix sweep of the layer network trained below (each column's head says which; side by side on "
                     "a wide screen, one under the other on a phone):",
    "layers_general_head": "Nielsen's equation\nper sample, any σ and C",
    "layers_scalar_head": "seed network: σ, L = (y − ŷ)²\none number per line",
    "layers_matrix_head": "layer network: ReLU, softmax\n+ log-likelihood, one matrix per line",
    "layers_replaces_bp1": "(replaces BP1)",
    "layers_jacobian": "Why softmax with the log-likelihood replaces BP1: softmax's Jacobian J is not diagonal "
                       "(δⱼₖ is 1 if j = k, else 0; y/aᴸ entry by entry), and with Σⱼ yⱼ = 1:",
    "layers_batch": "The equations are per sample. Training minimises the mean over a batch of N samples, C̄, "
                    "so BP3 and BP4 become means over the batch (the seed network's training uses the mean L̄ "
                    "the same way):",
    "layers_code": "The NumPy code each training step of the layer network runs, generated from its gradient "
                   "program (matrix products with @, one row per sample). It returns the batch sums C = Σₓ Cₓ, "
                   "Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ and Σₓ δˡₓ; the training step divides each by N to get C̄ and its gradient:",
    "layers_table": "The digits classifier: accuracy on the training images and on the held-out test images "
                    "(seconds measured in this run).",
    "layers_h_train": "train accuracy",
    "layers_h_test": "test accuracy",
    "layers_h_seconds": "seconds",
    "layers_curves": "Mean loss C̄ and accuracy per epoch, on the training and the test images.",
    "layers_confusion": "Confusion matrix on the test images: row = true digit, column = predicted digit.",
    "layers_misclassified": "The test images it got wrong, each titled true → predicted.",
    "layers_model": "the trained classifier (a symnet-layers model file: symnet predict reads it)",
    # convolution and attention: the same sweep
    "models_title": "Convolution and attention: the same sweep",
    "models_p1": "A convolutional layer and an attention head are formulas too: a few matrix steps each, which symnet "
                 "derives with the reverse sweep of §3 and of the section before, one matrix rule per step. Nothing new "
                 "is needed beyond three rules: a convolution, a pooling and a softmax taken row by row.",
    "models_p2": "For a convolution zˡ = Kˡ ⋆ aˡ⁻¹ + bˡ (cross-correlation, as every framework computes it) the "
                 "sweep gives what every course states: the kernel's gradient is the correlation of the layer's "
                 "input with δ, ∂C/∂K = X ⋆ δ; the input's gradient is the full convolution of δ with the flipped "
                 "kernel, ∂C/∂X = δ ∗full rot180(K); the bias collects δ over the pixels. Max pooling sends δ back to "
                 "the largest entry of each window (its argmax), and flatten reshapes it. The network below has two "
                 "convolutions, so both statements appear.",
    "models_p3": "The digits CNN `{spec}` ({params} parameters, against 10,810 for the dense network above) trains "
                 "for {epochs} epochs on the {n_train} training images here ({seconds} s) and classifies "
                 "{accuracy}% of the {n_test} held-out images correctly; trained for 20 epochs with the same seed it "
                 "reaches 98.6% (docs/convolution.md). Below: its learned 3 × 3 filters, the feature maps they make "
                 "of one test digit, and the test digits it still gets wrong.",
    "models_p4": "An attention head computes Q = XW_Q, K = XW_K, V = XW_V and A = softmax(QKᵀ/√d_k) row by row, "
                 "then O = AV. Softmax's Jacobian, row by row, is diag(a) − aaᵀ; multiplied out it becomes "
                 "a ⊙ (g − rowsum(a ⊙ g)), the rule symnet uses for every row at once. `{spec}` ({params} parameters) "
                 "learns to find, among five candidates, the one whose key matches a query and to output its class: "
                 "after {epochs} epochs ({seconds} s) it answers {accuracy}% of {n_test} new sequences correctly. "
                 "The heat map shows where each token attends; the query's row (top) should light up on the boxed "
                 "candidate.",
    "models_p5": "A model need not be built from layers: typed as a formula of matrices with declared shapes, it is "
                 "read by symnet's own parser (never eval), derived by the same sweep and printed in closed form. "
                 "Ridge regression gives (2/N)Xᵀ(Xw − y) + 2λw, with its shape (see docs/howto/type-your-model.md).",
    "models_conv_sweep": "The forward steps and the derived backward steps of `{spec}`, one matrix a line with its "
                         "shape (an image of C channels is stored as C·H rows of W numbers):",
    "models_attention_sweep": "The forward steps and the derived backward steps of the attention head `{spec}`:",
    "models_softmax_rows": "Softmax by rows, derived: from its Jacobian diag(a) − aaᵀ to a ⊙ (g − rowsum(a ⊙ g)):",
    "models_typed": "A model typed as text, `{expr}` with shapes `{shapes}`, and its gradient:",
    "models_check": "Each gradient four ways (the matrix sweep, the lowered scalar program, the numeric reverse mode, "
                    "finite differences) "
                    "on a small twin with the same steps, at a random point.",
    "models_h_methods": "compared",
    "models_h_gap": "largest gap",
    "models_h_verdict": "verdict",
    "models_table": "The two short runs of this section (fixed seeds; seconds measured in this run).",
    "models_filters": "The CNN's eight learned 3 × 3 filters (red positive, blue negative, one scale).",
    "models_feature_maps": "One test digit and the eight feature maps relu(K ⋆ x + b) its filters make.",
    "models_misclassified": "The test digits the CNN gets wrong after this short run, each titled true → predicted.",
    "models_heat_map": "Attention weights of three test sequences: row i is where token i attends (each row sums "
                       "to 1); the box marks the candidate that matches the query.",
    "optimizer_adam": "Adam",
    "optimizer_sgd": "plain gradient descent",
    "optimizer_momentum": "gradient descent with momentum",
    # table headers
    "h_cells": "n (cells per axis)",
    "h_ratio": "max ratio",
    "h_towers": "towers",
    "h_params": "params",
    "h_rms": "RMS error",
    "h_max": "max error",
    "h_network": "network",
    "h_before": "loss before",
    "h_after": "loss after",
    "h_epochs": "epochs",
    "h_seed_fit": "seed network ← teacher G",
    "h_xor_fit": "2-{hidden}-1 MLP ← XOR",
    "h_step": "step k",
    # ---- the live tour page: widgets, folded derivation, exercises ----
    "approx_error_map": "Where the error is: |G − ŷ| over the square for {n}×{n} towers (largest where G is "
                        "steepest).",
    "live_heading": "Try it: live, computed in your browser by code symnet generated from these programs",
    "live_tower_title": "Tower builder: drag the sliders",
    "live_tower_probe": "Tower(x, y) at a few points",
    "live_value": "value",
    "live_descent_title": "Gradient descent in 1-D: choose η and step",
    "live_train_title": "Training the seed network by plain gradient descent",
    "live_step": "Step",
    "live_run": "Run",
    "live_pause": "Pause",
    "live_reset": "Reset",
    "live_epoch": "epoch",
    "live_loss": "loss",
    "live_diverged": "diverged: x left the range",
    "live_converging": "steps shrink: converging",
    "live_growing": "steps grow: diverging",
    "live_code": "The generated JavaScript this widget runs:",
    "live_approx_title": "Sum of n×n towers: move n",
    "live_approx_maps": "left: ŷ, the sum of towers; right: the error |G − ŷ|",
    "live_graph_title": "The computational graph: every value and every δ at the point above",
    "live_back": "Step backward",
    "live_graph_choose": "Light every path to L from",
    "live_graph_none": "(none)",
    "live_graph_paths": "{k} path(s) from {theta} to L; ∂L/∂{theta} is the sum of the products of the labels "
                        "along them:",
    "live_graph_rule": "Each edge s → t carries ∂t/∂s. Press “Step backward”: the lit node gets δₛ = Σ "
                       "δₜ·∂t/∂s over its outgoing edges; a parameter's δ is ∂L/∂θ.",
    "exercises": "Exercises (type a number and press Check)",
    "ex_check": "Check",
    "ex_right": "Right!",
    "ex_wrong": "Not yet, try again.",
    "ex_answer": "Answer",
    "ex_paths": "How many paths lead from the loss L to w₂,₁?",
    "ex_paths_why": "f(θ₂, x₂) feeds both neuron 3 (through the sum u₃,₁) and neuron 4.",
    "ex_eta": "On h(x) = x² − 2x from x = 3, which of the learning rates {rates} makes the descent diverge?",
    "ex_eta_why": "Each step multiplies x − 1 by (1 − 2η); it grows when |1 − 2η| > 1, that is η > 1.",
    "math_plain": "plain text",
    "fold_caption": "The chain-rule derivation of ∂L/∂{param}, one step at a time (click a step to open it):",
    # figure texts drawn by symnet.plot in English, for the tour's Chinese figures (symnet.tour.localize):
    # a value with {fields} is a whole text whose word order changes; the others are phrases
    "fig_nested_sum": "sum of {n} nested towers",
    "fig_loss_after": "loss: {loss} after {epochs} epochs",
    "fig_towers_n": "ŷ: {count} towers (n = {n})",
    "fig_zero_white": "(0 = white)",
    "fig_tower_box": "tower {box}",
    "fig_steepness": "steepness",
    "fig_sharpness": "sharpness",
    "fig_threshold": "threshold",
    "fig_error_versus_n": "error versus n",
    "fig_max_error": "max error",
    "fig_rms_error": "RMS error",
    "fig_dense_error": "error on the dense grid",
    "fig_cells": "n (cells per axis)",
    "fig_descent": "gradient descent",
    "fig_diverges": "(diverges)",
    "fig_start": "start",
    "fig_epoch": "epoch",
    "fig_mean_loss": "mean loss L",
    "fig_loss": "loss",
    "fig_training": "training",
    "fig_validation": "validation",
    "fig_boundary": "decision boundary",
    "fig_xor": "xor",
    "fig_edge_width": "edge width ∝ |w|",
    "fig_red": "red",
    "fig_blue": "blue",
    "fig_bias": "b: the neuron's bias",
    "fig_max": "max",
    "fig_rms": "RMS",
    "fig_param": "param",
    "fig_backprop": "backprop",
    "fig_numeric": "numeric",
    "fig_finite_diff": "finite_diff",
    "fig_max_diff": "max diff",
    "fig_ok": "ok",
    "fig_yes": "yes",
    "fig_no": "no",
    "fig_predicted": "predicted",
    "fig_true": "true",
    "fig_confusion": "confusion matrix, test set: {accuracy}% correct",
    "fig_misclassified": "{count} misclassified (true → predicted)",
    "fig_no_misclassified": "no misclassified images",
    "fig_filter_n": "filter {n}",
    "fig_map_n": "map {n}",
    "fig_input_standardised": "input (standardised)",
    "fig_input": "input",
    "fig_mean_loss_c": "mean loss C̄",
    "fig_accuracy": "accuracy (%)",
    "fig_train": "train",
    "fig_test": "test",
    # ---- live widgets (issue 21: descent axes, training maps, notation key) ----
    "live_minimum": "minimum",
    "live_offscale": "(off the axes)",
    "live_train_sets_title": "Training by plain gradient descent: watch the function learn",
    "live_data_set": "data set:",
    "live_set_seed": "the seed network learns its teacher G",
    "live_set_xor": "a 2-4-1 network learns XOR",
    "live_map_f": "F(Θ; x) now",
    "live_map_g": "teacher G(x) = F(Θ*; x)",
    "live_map_xor": "ŷ(x) now; white: ŷ = 0.5",
    "live_map_data": "the XOR data (colour: y)",
    "live_loss_grew": "the mean loss grew at this epoch: η is too large here",
    "live_loss_falls": "the mean loss falls",
    "live_train_diverged": "diverged: the loss is no longer a finite number",
    "live_eta_limit": "stability limit η <",
    "key_title": "Notation, used the same way on the whole page",
    "key_theta": "the parameters of neuron i: its weights wᵢ,ⱼ (one per input j) and its bias bᵢ",
    "key_Theta": "every parameter of the network; Θ₀ the student's start, Θ* the teacher's (§0)",
    "key_zh": "neuron i's weighted sum and its activation: the program's steps",
    "key_L": "the loss of one sample, prediction ŷ against target y",
    "key_Lbar": "the mean loss over N samples: what training descends (Nielsen writes C and C̄)",
    "key_delta": "the adjoint of step s: how L changes with s; a parameter's δ is its gradient ∂L/∂θ",
    "key_nielsen": "Nielsen's error of layer l is our δ of that layer's weighted sum zˡ",
    "key_eta": "the learning rate of θ ← θ − η·∂L̄/∂θ",
    "model_value": "F with the student's parameters Θ₀ at x₁ = 1, x₂ = 2:",
    "model_params": "The student's parameters Θ₀ and the teacher's Θ* (G(x) = F(Θ*; x)):",
    "model_theta0": "Θ₀ (student)",
    "model_theta_star": "Θ* (teacher)",
    "live_tower_x_min": "left edge",
    "live_tower_x_max": "right edge",
    "live_tower_y_min": "bottom edge",
    "live_tower_y_max": "top edge",
    "live_tower_k": "steepness (log scale)",
    "live_tower_s": "sharpness",
    "live_tower_t": "threshold",
    "live_tower_map": "Tower(x, y) on the box [a, b] × [c, d]",
    "live_loss_above": "the mean loss fell this epoch but is still above where it started: η is too large",
    "live_tower_parts": "The pieces: the four step neurons h₁…h₄ (a step in x or in y each) and "
                        "z₅ = s·(h₁ − h₂ + h₃ − h₄ − t), the sum the last σ turns into the tower; white: z₅ = 0, "
                        "where the tower's edge is.",
    "live_approx_grid": "G and ŷ share one colour scale; the error map keeps one scale for every n (the largest "
                        "error of any n shown), so it darkens as n grows. The max and RMS error are taken over the "
                        "{samples}×{samples} cell centres these maps are drawn from.",
    "live_approx_g": "G(x, y), the target",
    "live_approx_cells": "White lines: the n×n cells, one tower each; a dot: a cell's centre, where the tower's "
                         "height cₖ is read off G.",
    "live_approx_yhat": "ŷ, the sum of towers",
    # ---- second derivatives: derive --order 2 (symnet.render.second) ----
    "second_title": "Second derivatives",
    "second_intro": "The gradient program (the forward steps, then the δ sweep) is a straight-line program too, so "
                    "symnet differentiates it once more, forward: for a parameter {theta} it sets {seed} (every "
                    "other parameter 0) and gives each step {s} the tangent {tangent}, the sum over the symbols "
                    "{u} that {s} reads of its local derivative by {u} times the tangent of {u}. The local "
                    "derivatives come from the same rule table as backprop; sympy.diff is never called. The tangents of the "
                    "gradient's results {grad}, one for each parameter {phi}, are the Hessian's column {column}.",
    "second_adjoints": "The δ sweep that is differentiated (the forward steps are the program above):",
    "second_column": "Second derivatives by {param}",
    "second_seed": "The tangent sweep seeded by {seed}: every step that depends on {param}, in program order:",
    "second_entries": "The column's entries are the tangents of the gradient's results:",
    "second_summary": "Each entry beside central differences of the compiled gradient:",
    "second_entry": "entry",
    "second_eigen": "The eigenvalues of the Hessian at this point are {eigenvalues}. Near a minimum, gradient "
                    "descent diverges along the eigenvector of the largest one when the learning rate {eta} "
                    "exceeds {limit}.",
    "second_eigen_flat": "The eigenvalues of the Hessian at this point are {eigenvalues}: none is positive, so the "
                         "curvature puts no limit on the learning rate here.",
    "second_check_intro": "Four independent Hessians of the mean loss, compared (symnet.check_grads(..., order=2)):",
    "second_sympy_skipped": "sympy.diff twice is left out beyond {n} entries (it would take minutes); name fewer "
                            "parameters with --wrt to include it.",
    "method_hessian": "compiled Hessian",
    "method_hvp": "Hessian-vector product",
    # the tour's curvature: the stability limit in 1-D and on the seed network (tour-curvature)
    "h_verdict": "verdict",
    "verdict_stable": "stable",
    "verdict_oscillating": "oscillating",
    "verdict_diverging": "diverging",
    "verdict_flat": "no limit",
    "live_eta_limit_descent": "stability limit 2/h″(x*): η <",
    "live_eta_limit_start": "stability limit 2/λₘₐₓ at the start θ₀ (it moves as θ moves): η <",
    "descent_curvature": "Why η decides: the second derivative at the minimum (symnet.learn.descent.curvature):",
    "descent_p3": "Why? Near the minimum x* = {x_star}, h′(x) ≈ h″(x*)·(x − x*), so one step multiplies the error "
                  "x − x* by 1 − η·h″(x*). Here h″(x*) = {h2}, so descent settles while |1 − η·h″(x*)| < 1 — "
                  "directly for η ≤ 1/h″(x*), jumping across x* (oscillating) above that — and diverges for "
                  "η > 2/h″(x*) = {limit}, the stability limit. The table's last rows give the factor and the "
                  "verdict for each η; the live widget below marks the limit on its η slider: cross it and watch.",
    "descent_newton": "Newton's method x ← x − h′(x)/h″(x) (symnet.learn.descent.descend_newton) takes the step "
                      "the curvature asks for, with no η to choose: from x = {x0} it reaches x* = {x_star} in "
                      "{steps} step(s) — on a quadratic, whatever the start (the table's last column).",
    "h_newton_x": "Newton",
    "descent_table_steps": "The first steps: x after k steps, for each learning rate η and for Newton's method; "
                           "under them the factor 1 − η·h″(x*) each step multiplies x − x* by, and its verdict.",
    "h_at_theta0": "λₖ at Θ₀ (the start)",
    "h_at_trained": "λₖ after {epochs} epochs",
    "train_hessian_table": "The eigenvalues of the Hessian of the mean loss L̄ of the seed network "
                           "(symnet.compile_hessian on the tour's 200 samples), and the stability limit 2/λₘₐₓ.",
    "train_curvature_p": "The same limit holds for a network: near a minimum one step multiplies the error along "
                         "the Hessian's k-th eigenvector by 1 − η·λₖ, so descent can settle only while "
                         "η < 2/λₘₐₓ. The table gives 2/λₘₐₓ = {limit0} at Θ₀, where the live trainer below "
                         "starts (its η slider marks that value), and {limit1} at the trained θ: the limit moves "
                         "as θ moves. It is a local statement. At Θ₀ the loss is not a bowl ({negative} of the "
                         "{total} eigenvalues are negative) and the curvature changes with every step, so a run "
                         "started just above the mark does not blow up: its loss still falls and the network goes "
                         "on learning, into a region where the curvature is different. Far above it the quadratic picture takes over: at "
                         "η = {twice}, twice the limit, the very first step raises L̄ from {before} to {after}.",
    # ---- the page's "Check my derivative" and exercises (page-tutor) ----
    "tutor_title": "Check my derivative",
    "tutor_q_w2_1": "Type {what} as a formula of the names below; the page compares it with symnet's chain rule.",
    "tutor_q_h2": "Type δ_h₂ = ∂L/∂h₂ (the adjoint of the node h₂) as a formula of the names below.",
    "tutor_placeholder": "e.g. delta_z2*x2",
    "tutor_names": "Names: {names}. Functions: {functions}; ^ or ** is a power.",
    "tutor_paths": "symnet's chain rule has {count} path(s):",
    "tutor_right": "Right: your formula equals {what} at {points} random points.",
    "tutor_wrong": "Not {what}.",
    "tutor_missing": "missing the path {path}",
    "tutor_only": "you have only the path {path}",
    "tutor_counted": "the path {path} is counted {times} times",
    "tutor_scaled": "your answer is {factor} × {what}: check the constant and the sign",
    "tutor_all_missing_factor": "every path has the factor {factor}; your answer misses it",
    "tutor_all_extra_factor": "your answer has an extra factor {factor}, which every path has once already",
    "tutor_path_missing_factor": "the path {path} misses its factor {factor}",
    "tutor_path_extra_factor": "the path {path} has an extra factor {factor}",
    "tutor_witness": "at {point} your formula is {mine}, but {what} is {truth}",
    "tutor_not_real": "at {point} your formula is not a real number",
    "tutor_unknown": "unknown name '{name}'; open “Names you may use” below the box",
    "tutor_names_title": "Names you may use",
    "tutor_refused": "refused: only numbers, names, + − * / ^ and the functions {functions} may appear ({what})",
    "tutor_syntax": "cannot read the formula: {error}",
    "ex_b4_y0": "The graph above shows every δ at x₁ = 1, x₂ = 2, y = 1 and §0's parameters. Keep all of them but "
                "the target: with y = 0, what is ∂L/∂b₄?",
    "ex_b4_y0_why": "Only the first factor changes: ∂L/∂ŷ = 2(ŷ − y) becomes 2ŷ, so every δ is scaled by ŷ/(ŷ − 1); "
                    "∂L/∂b₄ = δ_z₄ = 2(ŷ − y)·ŷ(1 − ŷ)·w₅,₂·h₄(1 − h₄).",
    "ex_paths_b2": "How many chain-rule paths lead from L to b₂?",
    "ex_paths_b2_why": "b₂ enters where w₂,₁ does, in z₂ = w₂,₁·x₂ + b₂; from h₂ the two paths go on through neuron 3 "
                       "(via u₃,₁) and neuron 4 (try it in the checker above: δ_z₂ is their sum).",
    "ex_factors": "How many local factors ∂a/∂b does the longest path from L to w₂,₁ multiply?",
    "ex_factors_why": "One per hop: L → ŷ → z₅ → h₃ → z₃ → u₃,₁ → h₂ → z₂ → w₂,₁ has {n} hops (the hop u₃,₁ → h₂ "
                      "is a factor 1).",
    "ex_train_eta": "In the training widget below (seed network, from Θ₀), from which η, in steps of 0.1, does the very "
                    "first step already raise the mean loss? Predict, then press Step once.",
    "ex_train_eta_why": "symnet took that first step for every η on the slider: below this η the loss falls; from it on "
                        "the step overshoots the valley across its steepest direction (the sigmoids keep L below 1, so "
                        "larger η do not blow up: they bounce, and from about η = 30 a run of 200 epochs ends anywhere).",
    "ex_shape": "For the digits network of the last section (64-144-10), how many numbers does ∂C/∂W² hold?",
    "ex_shape_why": "∂C/∂W² has W²'s shape, {rows} × {columns}: BP4 makes it δ² (a column of {rows}) times the "
                    "row a¹ᵀ of {columns} activations.",
    "ex_eta_limit": "On h(x) = x² − 2x from x = 3, from which η on does the descent stop converging?",
    "ex_eta_limit_why": "h″ = {c}, so each step multiplies x − 1 by 1 − {c}η; that factor reaches −1 at η = 2/{c}. "
                        "Try η just below and just above it in the widget.",
    "ex_eta_newton": "Which η takes the descent from x = 3 to the minimum in one step?",
    "ex_eta_newton_why": "The step x − η·h′(x) lands on x = 1 when 1 − {c}η = 0, that is η = 1/h″ = 1/{c} (Newton's step).",
    "ex_one_step": "With η = 0.25, where is x after one step from x = 3?",
    "ex_one_step_why": "x − η·h′(x) = 3 − 0.25·(2·3 − 2); press Step once in the widget to see it.",
    "ex_cover": "Set the tower widget's box to [0, 1]² (a = 0, b = 1, c = 0, d = 1; k, s, t as the article's). "
                "What does the tower give at the centre (0.5, 0.5)?",
    "ex_cover_why": "Inside, all four steps agree: h₁ − h₂ + h₃ − h₄ = 2, so ŷ = σ(s·(2 − t)) = σ(27), 1 to 11 digits.",
    "ex_corner": "… and at the box's corner (1, 1)?",
    "ex_corner_why": "On the edges x = 1 and y = 1 the steps h₂ and h₄ are σ(0) = 1/2: the sum is 1, and "
                     "σ(s·(1 − t)) = σ(−3).",
    "ex_arms": "Keep the article's box, k and s. What is the smallest threshold t on the slider (steps of 0.05) for "
               "which the tower has no arms, that is nowhere outside the box above {arm}?",
    "ex_arms_why": "On an arm one pair of steps is on: the sum is 1 and ŷ = σ(s·(1 − t)); symnet evaluated the tower "
                   "over the widget's view for each t (the article's t = 1.1).",
    "ex_stands": "And the largest t for which the tower still stands, that is at least {top} at the box's centre?",
    "ex_stands_why": "At the centre the sum is 2 and ŷ = σ(s·(2 − t)); symnet evaluated it for each t on the slider.",
}
