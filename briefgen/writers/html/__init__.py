"""The HTML writers: two writers over one shared body.

- `page`: the brief as one self-contained web page, format `html` in the registry;
- `email`: the brief as the HTML part of a message, which `briefgen.mail` sends;
- `base`: the body's markup both share, with the few blocks each draws its own way
  left to the writer's subclass; `css`: the theme in CSS, as both write it.
"""
