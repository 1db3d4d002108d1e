"""Find a student network's parameters, run its forward and backward, extract the claimed gradient.

Runs inside the sandboxed audit worker on an already loaded submission (see
:mod:`gradcheck.audit.loader`). It judges nothing: it reports the student's
parameters, the gradient the student's code claims (returned, stored, or implied
by an in-place update), the forward output, and which rule matched.

Rooms, by concept:

``names``     the vocabulary (forward/backward method names, argument roles, weight names);
``paths``     access paths into student objects (``self.layers[0].weight``);
``objects``   kinds of student values (arrays, Parameter objects, own classes);
``params``    finding weights and biases under a root;
``calling``   calling student code (binding arguments by role);
``sizes``     sizes from data, weights, or invented; ``synth`` parameters the grader makes;
``target``    the interface every shape answers (:class:`Target`);
``shapes/``   one module per API shape (classes, CS231n, layer lists, positional
              parameters, parameter dicts, module globals, weights made by ``fit()``);
``step``      one forward + backward; ``outputs`` where the output is; ``labels`` target forms;
``layout``    rows or columns, target form, one sample or a batch;
``readers/``  one module per way a gradient is read (returned, stored, in-place update, spec);
``loss``      the student's loss gradient (for layer stacks);
``driver``    the short driver that tries them in order: ``modelfind`` (which shape), ``noparams``
              (why no parameters), ``firststep`` (the first step), ``extract`` (reading the gradient).
"""

from gradcheck.audit.adapters.driver import audit
from gradcheck.audit.adapters.modelfind import find_target
from gradcheck.audit.adapters.names import BACKWARD_NAMES, GRAD_METHODS, TRAIN_METHODS, canon, strip_grad
from gradcheck.audit.adapters.params import Tensor
from gradcheck.audit.adapters.paths import parse_path, resolve
from gradcheck.audit.adapters.shapes.script import script_spec

__all__ = [
    "audit",
    "find_target",
    "script_spec",
    "Tensor",
    "parse_path",
    "resolve",
    "canon",
    "strip_grad",
    "BACKWARD_NAMES",
    "GRAD_METHODS",
    "TRAIN_METHODS",
]
