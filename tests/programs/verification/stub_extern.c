/* read_sensor is declared and defined nowhere (a verification task's
   environment model): stubbed, it returns a nondet value, and the value 2
   reaches the error. */
extern int read_sensor(void);
extern void reach_error(void);

int main(void) {
  if (read_sensor() == 2) reach_error();
  return 0;
}
