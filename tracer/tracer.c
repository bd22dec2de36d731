/* placeholder: replaced by the recorder */
int tl_tracer_placeholder;
